package io.walnut;

import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.util.Set;

/** A command line nutcracker would refuse; the message is nutcracker's, without the {@code walnut: } prefix. */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    private static final Set<String> FILE_OPTIONS = Set.of("o", "c", "p");
    private static final Set<String> NUMBER_OPTIONS = Set.of("m", "v", "s", "i", "--threads", "--batch-window-us",
            "--reply-hold-us", "--metrics-port");
    private static final String SHORT_OPTIONS = "hVtdDvocsiapm";

    UsageException(String message) {
        super(message);
    }

    /** A value refused while it is read; its message is already nutcracker's. */
    static final class BadValue extends ParameterException {
        private static final long serialVersionUID = 1L;

        BadValue(CommandLine commandLine, String message) {
            super(commandLine, message);
        }
    }

    static UsageException from(ParameterException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BadValue) {
                return new UsageException(cause.getMessage());
            }
        }
        if (e instanceof MissingParameterException missing && !missing.getMissing().isEmpty()
                && missing.getMissing().get(0) instanceof OptionSpec option) {
            return new UsageException(missingValue(CommandLineOptions.shortName(option)));
        }
        if (e instanceof UnmatchedArgumentException unmatched && !unmatched.getUnmatched().isEmpty()) {
            return new UsageException("invalid option -- '" + unknownOption(unmatched.getUnmatched().get(0)) + "'");
        }
        ArgSpec arg = e.getArgSpec();
        if (arg instanceof OptionSpec option) {
            // e.g. --help=x: getopt reports the option itself as invalid
            return new UsageException("invalid option -- '" + CommandLineOptions.shortName(option) + "'");
        }
        return new UsageException(e.getMessage());
    }

    private static String missingValue(String option) {
        String dash = option.startsWith("--") ? option : "-" + option;
        if (FILE_OPTIONS.contains(option)) {
            return "option " + dash + " requires a file name";
        }
        if (NUMBER_OPTIONS.contains(option)) {
            return "option " + dash + " requires a number";
        }
        return "option " + dash + " requires a string";
    }

    /** For {@code -hx} getopt names the first unknown letter; a long option is named whole. */
    private static String unknownOption(String argument) {
        if (argument.startsWith("--") || !argument.startsWith("-")) {
            return argument;
        }
        for (int i = 1; i < argument.length(); i++) {
            if (SHORT_OPTIONS.indexOf(argument.charAt(i)) < 0) {
                return String.valueOf(argument.charAt(i));
            }
        }
        return argument.substring(1);
    }
}
