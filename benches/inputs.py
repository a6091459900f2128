"""Writes the large inputs reports/benchmarks.md times whole commands on, into a folder:

    python3 benches/inputs.py DIR

- DIR/trace-5m.csv: 5,000,000 per-second rows (`offset_seconds,requests`, 51 MB), the rows
  of the `trace/parse_csv_5m_rows_per_second` bench;
- DIR/nginx-10m.log: 10,000,000 nginx combined lines over 7 days at +08:00 (about 1.9 GB),
  lines shaped as the `trace/access_log_1m_lines` bench's.

Deterministic: the same bytes on every machine."""

import os
import sys

AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "curl/8.5.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)",
]


def trace(path):
    with open(path, "w") as out:
        out.write("offset_seconds,requests\n")
        out.writelines(f"{second},{(second * 7919) % 21}\n" for second in range(5_000_000))


def log(path):
    lines, span = 10_000_000, 7 * 86_400
    with open(path, "w") as out:
        batch = []
        for line in range(lines):
            second = line * span // lines
            day, rest = divmod(second, 86_400)
            batch.append(
                f"10.{line % 256}.{(line >> 8) % 256}.{(line >> 16) % 256} - - "
                f"[{2 + day:02}/Mar/2026:{rest // 3600:02}:{rest // 60 % 60:02}:{rest % 60:02} +0800] "
                f'"GET /api/v1/menu?item={line % 1000}&lang=zh HTTP/1.1" 200 {line % 5000} '
                f'"https://example.com/order" "{AGENTS[line % 3]}"\n'
            )
            if len(batch) == 100_000:
                out.writelines(batch)
                batch = []
        out.writelines(batch)


def main():
    folder = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(folder, exist_ok=True)
    trace(os.path.join(folder, "trace-5m.csv"))
    log(os.path.join(folder, "nginx-10m.log"))


if __name__ == "__main__":
    main()
