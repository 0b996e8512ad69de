package dev.pitstop.console;

import dev.pitstop.control.ProcedureRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A procedure's steps as bars on a time axis, in SVG: one row per run of a step, its colour its
 * state, and the downtime — from the status page going up to it coming down — shaded behind them.
 */
final class Timeline {

    private static final int WIDTH = 1000;
    private static final int LABELS = 360;
    private static final int ROW = 22;

    /** How the procedures name the steps that start and end the downtime. */
    private static final String PAGE_UP = "put the status page up";
    private static final String PAGE_DOWN = "take the status page down";

    private Timeline() {
    }

    static String svg(ProcedureRecord procedure) {
        List<ProcedureRecord.StepRecord> steps = procedure.steps();
        if (steps.isEmpty()) {
            return "<p>No step ran.</p>";
        }
        Instant start = procedure.startedAt();
        Instant end = procedure.endedAt() != null ? procedure.endedAt() : steps.stream()
                .map(s -> s.endedAt() != null ? s.endedAt() : s.startedAt()).max(Instant::compareTo).orElse(start);
        double total = Math.max(1, Duration.between(start, end).toMillis());
        double scale = (WIDTH - LABELS - 70) / total;
        int height = steps.size() * ROW + 30;
        StringBuilder svg = new StringBuilder("<svg class=\"timeline\" role=\"img\" viewBox=\"0 0 ").append(WIDTH)
                .append(' ').append(height).append("\" aria-label=\"timeline of ").append(Html.text(procedure.kind()))
                .append(" #").append(procedure.id()).append("\">");
        Instant down = endOf(steps, PAGE_UP);
        if (down != null) {
            Instant up = endOf(steps, PAGE_DOWN);
            double x = LABELS + Duration.between(start, down).toMillis() * scale;
            double to = LABELS + Duration.between(start, up != null ? up : end).toMillis() * scale;
            svg.append("<rect class=\"downtime\" x=\"").append(x).append("\" y=\"0\" width=\"").append(Math.max(1, to - x))
                    .append("\" height=\"").append(height - 20).append("\" fill=\"#fde2e1\"><title>downtime: ")
                    .append(LiveFragment.seconds(Duration.ofMillis((long) ((to - x) / scale))))
                    .append("</title></rect>");
        }
        int y = 4;
        for (ProcedureRecord.StepRecord step : steps) {
            Instant stepEnd = step.endedAt() != null ? step.endedAt() : end;
            double x = LABELS + Duration.between(start, step.startedAt()).toMillis() * scale;
            double w = Math.max(2, Duration.between(step.startedAt(), stepEnd).toMillis() * scale);
            String label = (step.rollback() ? "undo " : "") + step.position() + ". " + step.name();
            svg.append("<text x=\"0\" y=\"").append(y + 14).append("\" font-size=\"12\">")
                    .append(Html.text(label.length() > 55 ? label.substring(0, 54) + "…" : label)).append("</text>")
                    .append("<rect x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(w)
                    .append("\" height=\"").append(ROW - 6).append("\" fill=\"").append(colour(step)).append("\"><title>")
                    .append(Html.text(step.name())).append(": ").append(step.state().label())
                    .append(step.duration() == null ? "" : ", " + LiveFragment.seconds(step.duration())).append("</title></rect>")
                    .append("<text x=\"").append(x + w + 4).append("\" y=\"").append(y + 14).append("\" font-size=\"11\">")
                    .append(step.duration() == null ? "" : LiveFragment.seconds(step.duration())).append("</text>");
            y += ROW;
        }
        svg.append("<text x=\"").append(LABELS).append("\" y=\"").append(height - 6).append("\" font-size=\"11\">0 s</text>")
                .append("<text x=\"").append(WIDTH - 70).append("\" y=\"").append(height - 6).append("\" font-size=\"11\">")
                .append(LiveFragment.seconds(Duration.ofMillis((long) total))).append("</text>");
        return svg.append("</svg>").toString();
    }

    private static Instant endOf(List<ProcedureRecord.StepRecord> steps, String prefix) {
        return steps.stream().filter(s -> !s.rollback() && s.name().startsWith(prefix) && s.endedAt() != null)
                .map(ProcedureRecord.StepRecord::endedAt).findFirst().orElse(null);
    }

    private static String colour(ProcedureRecord.StepRecord step) {
        return switch (step.state()) {
            case DONE -> step.rollback() ? "#b7791f" : "#2f855a";
            case FAILED -> "#b42318";
            case PAUSED -> "#8a5a00";
            default -> "#2456c7";
        };
    }
}
