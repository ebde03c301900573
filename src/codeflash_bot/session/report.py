"""HANDOFF.md and learnings.md: what a human (or the next run) needs to pick up the work."""

from __future__ import annotations

import datetime as dt

from codeflash_bot.capture.sources import inputs_in, without_inputs
from codeflash_bot.models import Domain, ExperimentRecord, Phase, PhaseTime, Status, Target
from codeflash_bot.session.clock import SHARES, secs

AUTO_BEGIN = "<!-- codeflash:auto:begin -->"
AUTO_END = "<!-- codeflash:auto:end -->"


def speedup_of(record: ExperimentRecord) -> str:
    if not record.baseline or not record.candidate:
        return "-"
    return f"{record.baseline / record.candidate:.2f}x"


def render_handoff(
    *,
    branch: str,
    domain: Domain,
    why: str,
    records: list[ExperimentRecord],
    pending: list[str],
    stopped: str,
    funnel: str = "",
    phases: list[PhaseTime] | None = None,
    budget_seconds: float | None = None,
    wall_seconds: float | None = None,
) -> str:
    kept = [r for r in records if r.status is Status.KEEP]
    discarded = sum(r.status is Status.DISCARD for r in records)
    crashed = sum(r.status is Status.CRASH for r in records)
    skipped = [r for r in records if r.status is Status.SKIP]
    records = [r for r in records if r.status is not Status.SKIP]
    best = max(kept, key=lambda r: -(r.delta_pct or 0), default=None)
    lines = [
        "# Handoff",
        "",
        f"- Branch: `{branch}`",
        f"- Domain: {domain.value} ({why})",
        f"- Updated: {dt.datetime.now(dt.UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        f"- Experiments: {len(records)} (kept {len(kept)}, discarded {discarded},"
        f" crashed {crashed})",
        f"- Best improvement: {_best(best)}",
        f"- State: {stopped}",
        *([f"- Funnel: {funnel}"] if funnel else []),
        "",
        "## Kept",
        "",
    ]
    if kept:
        lines += ["| commit | target | rule | speedup |", "|---|---|---|---|"]
        lines += [f"| {r.commit} | `{r.target}` | {r.rule} | {speedup_of(r)} |" for r in kept]
    else:
        lines.append("Nothing kept yet.")
    lines += ["", "## Tried", ""]
    if records:
        lines += ["| target | rule | status | note | inputs |", "|---|---|---|---|---|"]
        for r in records:
            text = without_inputs(r.description)
            note = text.split(" — ", 1)[1] if " — " in text else speedup_of(r)
            inputs = inputs_in(r.description) or "-"
            lines.append(f"| `{r.target}` | {r.rule} | {r.status.value} | {note} | {inputs} |")
    else:
        lines.append("Nothing tried yet.")
    if skipped:
        lines += ["", "## Skipped", "", "| target | why |", "|---|---|"]
        lines += [f"| `{r.target}` | {r.description.split(' — ', 1)[-1]} |" for r in skipped]
    lines += ["", "## Next", ""]
    lines += [f"- {p}" for p in pending] or ["- Every rule that applies was tried on the targets."]
    if phases is not None and budget_seconds is not None:
        lines += ["", *render_time(phases, budget_seconds, wall_seconds)]
    return "\n".join(lines) + "\n"


def render_time(
    phases: list[PhaseTime], budget_seconds: float, wall_seconds: float | None
) -> list[str]:
    """HANDOFF.md's `## Time` section: wall time per phase against its share of the budget."""
    wall = secs(wall_seconds) if wall_seconds is not None else "?"
    lines = [
        "## Time",
        "",
        f"Budget {secs(budget_seconds)}, wall time so far {wall} (from the start of the run).",
        "",
        "| phase | share | allowed | took | note |",
        "|---|---|---|---|---|",
    ]
    for p in phases:
        note = f"cut short: {p.cut_short}" if p.cut_short else ""
        lines.append(
            f"| {p.phase.value} | {SHARES[p.phase]:.0%} | {secs(p.allowed)} | {secs(p.seconds)}"
            f" | {note} |"
        )
    ran = {p.phase for p in phases}
    skipped = [ph.value for ph in Phase if ph not in ran and ph is not Phase.AUTO]
    if skipped:
        lines += ["", f"Not reached: {', '.join(skipped)}."]
    return lines


def _best(record: ExperimentRecord | None) -> str:
    if record is None:
        return "none"
    return f"`{record.target}` {speedup_of(record)} ({record.delta_pct:+.1f}% time)"


def render_learnings(existing: str, targets: list[Target], records: list[ExperimentRecord]) -> str:
    """Regenerate the bot's block; anything a human wrote outside it is preserved."""
    auto = [AUTO_BEGIN, "## Hot functions (last profile)", ""]
    auto += [
        f"- `{t.ref}` ({t.file}:{t.lineno}): {t.total_seconds * 1000:.1f} ms in the profile"
        for t in targets
    ] or ["- (no profile yet)"]
    auto += ["", "## What did not work, and why", ""]
    failed = [r for r in records if r.status is not Status.KEEP]
    auto += [f"- `{r.target}`: {r.description}" for r in failed] or ["- nothing yet"]
    auto += ["", "## What worked", ""]
    worked = [r for r in records if r.status is Status.KEEP]
    auto += [f"- `{r.target}`: {r.rule} gave {speedup_of(r)} ({r.commit})" for r in worked] or [
        "- nothing yet"
    ]
    auto.append(AUTO_END)
    block = "\n".join(auto)
    if AUTO_BEGIN in existing and AUTO_END in existing:
        head, rest = existing.split(AUTO_BEGIN, 1)
        tail = rest.split(AUTO_END, 1)[1]
        return head + block + tail
    header = existing.rstrip() + "\n\n" if existing.strip() else "# Learnings\n\n"
    return header + block + "\n"
