"""The results of `make bench`: `bench/results.json` and a Markdown table in
`docs/performance.md`, between the markers of the database it was run on (so that the SQLite and
the PostgreSQL tables live side by side and each run replaces only its own)."""

import json
import os
import subprocess
from pathlib import Path

from .measure import Result


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}".replace(",", " ")


def _ratio(value: float | None) -> str:
    return "" if value is None else f"{value:,.1f}".replace(",", " ")


def table(results: list[Result]) -> str:
    lines = [
        "| grupp | fall | median ms | p95 ms | vägg median ms | frågor | byte | golv | × golvet | mål |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    http = []
    for result in results:
        if result.group == "http":
            http.append(result)
            continue
        if not result.runs:
            lines.append(f"| {result.group} | {result.case} | | | | | | | | {result.note} |")
            continue
        lines.append(
            f"| {result.group} | {result.case}{'' if result.basis == 'cpu' else ' (väggtid)'} | "
            f"{_ms(result.cpu_median)} | {_ms(result.cpu_p95)} | "
            f"{_ms(result.wall_median)} | {'' if result.queries is None else result.queries} | "
            f"{'' if result.bytes is None else result.bytes} | {result.floor} | {_ratio(result.ratio)} | "
            f"{result.goal} |"
        )
    if http:
        lines += [
            "",
            "| HTTP | förfrågningar/s | p99 ms | andel av trivial vy | mål | anmärkning |",
            "|---|---:|---:|---:|---|---|",
        ]
        for result in http:
            extra = result.extra
            p99 = "" if extra.get("p99") is None else _ms(extra["p99"])
            share = extra.get("share_of_floor")
            lines.append(
                f"| {result.case} | {extra.get('rps', 0):.1f} | {p99} | "
                f"{'' if share is None else f'{share:.2f}'} | {result.goal} | {result.note} |"
            )
    return "\n".join(lines)


def header(meta: dict) -> str:
    return (
        "Tider i processens CPU-tid (median och p95) där inget annat sägs, golv och mål i samma omgångar "
        "(A B A B efter uppvärmning); × golvet är medianernas kvot. "
        f"Körd {meta['date']} på {meta['database']} ({meta['dataset']}), commit {meta['commit']}, "
        f"{meta['cores']} kärnor, "
        f"belastning {meta['load']} före körningen, {meta['pairs']} par per fall; "
        f"skala {meta['scale']}: {meta['size']}."
    )


def write(results: list[Result], meta: dict, *, json_path: Path, doc_path: Path | None) -> str:
    json_path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(
        json.dumps({"meta": meta, "results": [result.as_json() for result in results]}, ensure_ascii=False, indent=1)
        + "\n",
        encoding="utf-8",
    )
    body = header(meta) + "\n\n" + table(results)
    if doc_path:
        start, end = f"<!-- bench:{meta['database']}:start -->", f"<!-- bench:{meta['database']}:end -->"
        text = doc_path.read_text(encoding="utf-8") if doc_path.exists() else ""
        if start in text and end in text:
            before, rest = text.split(start, 1)
            after = rest.split(end, 1)[1]
            text = f"{before}{start}\n{body}\n{end}{after}"
        else:
            text += f"\n{start}\n{body}\n{end}\n"
        doc_path.write_text(text, encoding="utf-8")
    return body


def machine() -> dict:
    load = os.getloadavg()
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607 - git from PATH, as make does
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = "okänd"
    return {"cores": os.cpu_count(), "load": " / ".join(f"{value:.2f}" for value in load), "commit": commit}
