package io.walnut.config;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.ComposerException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ParserException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.ScannerImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;
import org.snakeyaml.engine.v2.tokens.DirectiveToken;
import org.snakeyaml.engine.v2.tokens.Token;

import java.util.Iterator;
import java.util.Optional;

/**
 * twemproxy's three checks of a file's shape, run before any key is read and in its order: exactly one
 * document, no disallowed token (libyaml's token numbers in the messages), then the pool-map structure
 * ({@link StructureCheck}). SnakeYAML errors are reported with the libyaml error class twemproxy prints.
 */
final class YamlShape {

    /** libyaml's {@code yaml_error_type_e} values that twemproxy prints as {@code (err N)}. */
    private static final int READER_ERROR = 2;
    private static final int SCANNER_ERROR = 3;
    private static final int PARSER_ERROR = 4;
    private static final int COMPOSER_ERROR = 5;

    private final ConfigFile file;
    private final String yaml;
    private final LoadSettings settings;

    YamlShape(ConfigFile file, String yaml) {
        this.file = file;
        this.yaml = yaml;
        this.settings = LoadSettings.builder()
                .setLabel(file.path().toString())
                .setUseMarks(true)
                // libyaml composes any key and any number of aliases; SnakeYAML must not refuse earlier
                .setAllowNonScalarKeys(true)
                .setAllowRecursiveKeys(true)
                .setMaxAliasesForCollections(Integer.MAX_VALUE)
                .build();
    }

    /** Runs the three checks; on success the events can be walked with {@link #events()}. */
    void check() throws ConfigException {
        checkDocumentCount();
        checkTokens();
        new StructureCheck(file).check(events());
    }

    /** A fresh event stream over the file; only call after {@link #check()} passed. */
    Iterator<Event> events() {
        return new ParserImpl(settings, new StreamReader(settings, yaml));
    }

    private void checkDocumentCount() throws ConfigException {
        Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, yaml)));
        int documents = 0;
        int secondLine = 0;
        try {
            while (composer.hasNext()) {
                Optional<Mark> start = composer.next().getStartMark();
                documents++;
                if (documents == 2) {
                    secondLine = start.map(mark -> mark.getLine() + 1).orElse(0);
                }
            }
        } catch (YamlEngineException e) {
            throw syntaxError(e);
        }
        if (documents != 1) {
            throw file.problem(secondLine, "conf: " + file.quoted() + " must contain only 1 document; found "
                    + documents + " documents", documents == 0
                    ? "the file holds no YAML document (it is empty or only comments)"
                    : "a second YAML document starts here; twemproxy reads exactly one");
        }
    }

    private ConfigException syntaxError(YamlEngineException e) {
        int code = e instanceof ReaderException ? READER_ERROR
                : e instanceof ComposerException ? COMPOSER_ERROR
                : e instanceof ParserException ? PARSER_ERROR
                : SCANNER_ERROR;
        int line = 0;
        String why = e.getMessage();
        if (e instanceof ReaderException reader) {
            line = lineAtCodePoint(reader.getPosition());
            why = String.format("character U+%04X is not allowed in YAML", reader.getCodePoint());
        } else if (e instanceof MarkedYamlEngineException marked) {
            line = marked.getProblemMark().or(marked::getContextMark).map(mark -> mark.getLine() + 1).orElse(0);
            why = marked.getProblem();
        }
        return file.problem(line, "conf: failed (err " + code + ") to get the next yaml document",
                "not valid YAML: " + why);
    }

    private int lineAtCodePoint(int position) {
        int line = 1;
        int end = yaml.offsetByCodePoints(0, Math.min(position, yaml.codePointCount(0, yaml.length())));
        for (int i = 0; i < end; i++) {
            if (yaml.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private void checkTokens() throws ConfigException {
        ScannerImpl scanner = new ScannerImpl(settings, new StreamReader(settings, yaml));
        while (scanner.hasNext()) {
            Token token = scanner.next();
            String kind = disallowedKind(token);
            if (kind == null) {
                continue;
            }
            int line = token.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
            if (kind.isEmpty()) {
                throw file.problem(line, "conf: failed (err " + SCANNER_ERROR + ") to get the next yaml document",
                        "not valid YAML: unknown directive '%" + ((DirectiveToken<?>) token).getName() + "'");
            }
            throw file.problem(line, "conf: " + kind + " is disallowed", "twemproxy accepts only block mappings,"
                    + " block sequences and plain or quoted scalars (no directives, '---', '...', flow [] {},"
                    + " anchors, aliases or tags)");
        }
    }

    /**
     * libyaml's name and number for a token twemproxy refuses, e.g. {@code anchor token (19)}; null when the
     * token is allowed; empty for a directive libyaml does not know (a scanner error there).
     */
    private static String disallowedKind(Token token) {
        return switch (token.getTokenId()) {
            case Directive -> switch (((DirectiveToken<?>) token).getName()) {
                case DirectiveToken.YAML_DIRECTIVE -> "version directive token (3)";
                case DirectiveToken.TAG_DIRECTIVE -> "tag directive token (4)";
                default -> "";
            };
            case DocumentStart -> "document start token (5)";
            case DocumentEnd -> "document end token (6)";
            case FlowSequenceStart -> "flow sequence start token (10)";
            case FlowSequenceEnd -> "flow sequence end token (11)";
            case FlowMappingStart -> "flow mapping start token (12)";
            case FlowMappingEnd -> "flow mapping end token (13)";
            case FlowEntry -> "flow entry token (15)";
            case Alias -> "alias token (18)";
            case Anchor -> "anchor token (19)";
            case Tag -> "tag token (20)";
            default -> null;
        };
    }
}
