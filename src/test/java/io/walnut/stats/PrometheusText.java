package io.walnut.stats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict small parser for the Prometheus text format 0.0.4 (the Java client has writers, no parser): HELP and
 * TYPE comments, then samples {@code name{label="value",...} value} with no timestamp. Every sample must belong to
 * a family whose TYPE came first; anything else fails the parse.
 */
final class PrometheusText {
    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern COMMENT = Pattern.compile("# (HELP|TYPE) (" + NAME + ") (.*)");
    private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\"");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    final Map<String, String> types = new HashMap<>();
    final List<Sample> samples = new ArrayList<>();

    /** GETs {@code /metrics} from 127.0.0.1:port and parses it. */
    static PrometheusText scrape(int port) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(BOUND).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept", "text/plain; version=0.0.4").timeout(BOUND).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("HTTP " + response.statusCode() + ": " + response.body());
            }
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (!type.startsWith("text/plain")) {
                throw new AssertionError("content type " + type);
            }
            return parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static PrometheusText parse(String text) {
        PrometheusText parsed = new PrometheusText();
        for (String line : text.split("\n")) {
            parsed.line(line);
        }
        return parsed;
    }

    private void line(String line) {
        if (line.startsWith("#")) {
            Matcher m = COMMENT.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("bad comment: " + line);
            }
            if (m.group(1).equals("TYPE")) {
                if (!List.of("counter", "gauge", "histogram", "summary", "untyped").contains(m.group(3))
                        || types.put(m.group(2), m.group(3)) != null) {
                    throw new IllegalArgumentException("bad or repeated TYPE: " + line);
                }
            }
            return;
        }
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("bad sample: " + line);
        }
        String name = m.group(1);
        if (family(name) == null) {
            throw new IllegalArgumentException("sample without a TYPE: " + line);
        }
        samples.add(new Sample(name, labels(m.group(3), line), number(m.group(4), line)));
    }

    /** The family a sample name belongs to, allowing the suffixes its type adds. */
    private String family(String name) {
        if (types.containsKey(name)) {
            return name;
        }
        for (String suffix : List.of("_total", "_bucket", "_count", "_sum", "_created")) {
            if (name.endsWith(suffix)) {
                String base = name.substring(0, name.length() - suffix.length());
                if (types.containsKey(base)) {
                    return base;
                }
            }
        }
        return null;
    }

    private static Map<String, String> labels(String text, String line) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null || text.isEmpty()) {
            return labels;
        }
        Matcher m = LABEL.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("bad labels: " + line);
            }
            String value = m.group(2).replace("\\n", "\n").replace("\\\"", "\"").replace("\\\\", "\\");
            if (labels.put(m.group(1), value) != null) {
                throw new IllegalArgumentException("repeated label: " + line);
            }
            at = m.end();
            if (at < text.length()) {
                if (text.charAt(at) != ',') {
                    throw new IllegalArgumentException("bad labels: " + line);
                }
                at++;
            }
        }
        return labels;
    }

    private static double number(String text, String line) {
        switch (text) {
            case "+Inf":
                return Double.POSITIVE_INFINITY;
            case "-Inf":
                return Double.NEGATIVE_INFINITY;
            case "NaN":
                return Double.NaN;
            default:
                try {
                    return Double.parseDouble(text);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad value: " + line, e);
                }
        }
    }

    /** The one sample called {@code name} whose labels include {@code labelPairs} (name, value, ...). */
    double value(String name, String... labelPairs) {
        List<Sample> found = matching(name, labelPairs);
        if (found.size() != 1) {
            throw new AssertionError(found.size() + " samples " + name + " " + List.of(labelPairs) + " in " + samples);
        }
        return found.get(0).value();
    }

    /** The samples called {@code name} whose labels include {@code labelPairs}. */
    List<Sample> matching(String name, String... labelPairs) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            boolean match = s.name().equals(name);
            for (int i = 0; match && i < labelPairs.length; i += 2) {
                match = labelPairs[i + 1].equals(s.labels().get(labelPairs[i]));
            }
            if (match) {
                found.add(s);
            }
        }
        return found;
    }

    /** The sum over the samples called {@code name} whose labels include {@code labelPairs}. */
    double sum(String name, String... labelPairs) {
        return matching(name, labelPairs).stream().mapToDouble(Sample::value).sum();
    }
}
