"""A plain report for the benchmark to compare vlrgen's pages with: what WeasyPrint does with ordinary HTML.

30 sections, each a heading, a paragraph, an 11-row table and a matplotlib SVG line chart with real text,
in the report's own fonts (Noto Sans, DejaVu Sans fallback), A4 with running headers and page numbers,
laid out tagged (PDF/UA-1) exactly as the bench lays out vlrgen's pages. The document is deterministic
and written by the bench itself, so its pages per second, measured in the same run as vlrgen's, make a
ratio that holds on a noisy machine.

    .venv/bin/python bench/baseline.py OUT_DIR     # writes OUT_DIR/baseline.html
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FONTS = REPO / "report_templates" / "fonts"
SECTIONS, ROWS = 30, 11

TEXT = (
    "kommunen arbeider med bærekraft gjennom planer tiltak og samarbeid med innbyggere næringsliv og frivillige "
    "organisasjoner målene gjelder helse utdanning klima natur og likestilling tallene viser utviklingen over tid "
    "og sammenlignes med fylket og landet der det finnes data"
)
WORDS = TEXT.split()

CSS = f"""
@font-face {{ font-family: "Noto Sans"; src: url({(FONTS / "NotoSans-Regular.ttf").as_uri()}); }}
@font-face {{ font-family: "Noto Sans"; src: url({(FONTS / "NotoSans-Bold.ttf").as_uri()}); font-weight: bold; }}
@font-face {{ font-family: "DejaVu Sans"; src: url({(FONTS / "DejaVuSans.ttf").as_uri()}); }}
@page {{ size: A4; margin: 22mm 18mm 22mm 20mm;
  @top-right {{ content: "Plain report"; font-size: 8.5pt; }}
  @bottom-right {{ content: "Side " counter(page) " av " counter(pages); font-size: 8.5pt; }} }}
html {{ font-family: "Noto Sans", "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.5; }}
h2 {{ font-size: 14pt; break-after: avoid; }}
table {{ border-collapse: collapse; margin: 1em 0; font-size: .92em; }}
caption {{ text-align: left; font-weight: bold; }}
th, td {{ text-align: left; padding: .3em .55em; border-bottom: 1px solid #d9d9d9; }}
td {{ text-align: right; }}
figure {{ margin: 1em 0; break-inside: avoid; }}
figure svg {{ width: 100%; height: auto; }}
"""


def chart(number: int) -> str:
    """A plain matplotlib line chart (three series over 11 years, legend, axis labels) as inline SVG."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, rcParams
    from matplotlib.figure import Figure

    for font in FONTS.glob("*.ttf"):
        font_manager.fontManager.addfont(str(font))
    rcParams["svg.fonttype"] = "none"
    rcParams["svg.hashsalt"] = f"baseline-{number}"
    rcParams["font.family"] = ["Noto Sans", "DejaVu Sans"]
    figure = Figure(figsize=(6.4, 3.2), dpi=100)
    axes = figure.add_subplot()
    years = list(range(2014, 2014 + ROWS))
    for series, style in enumerate(("-o", "--", ":")):
        axes.plot(years, [values(number, series, year) for year in years], style, label=f"Serie {series + 1}")
    axes.set_ylabel("Prosent")
    axes.legend()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    return svg.replace("<svg ", f'<svg role="img" aria-labelledby="c{number}" ', 1).replace(
        ">", f'><title id="c{number}">Figur {number}: utvikling 2014–2024</title>', 1
    )


def values(number: int, series: int, year: int) -> float:
    return round(40 + 10 * series + ((number * 7 + year * 3 + series * 5) % 17) * 0.9, 1)


def document() -> str:
    sections = []
    for number in range(1, SECTIONS + 1):
        words = [WORDS[(number * 11 + i * 7) % len(WORDS)] for i in range(130)]
        paragraph = " ".join(words).capitalize() + "."
        rows = "".join(
            f"<tr><th scope='row'>{year}</th>"
            + "".join(f"<td>{values(number, s, year):.1f}</td>" for s in range(3))
            + "</tr>"
            for year in range(2014, 2014 + ROWS)
        )
        sections.append(
            f"<section><h2>{number}. Avsnitt {number}</h2><p>{paragraph}</p>"
            f"<table><caption>Tabell {number}</caption><thead><tr><th scope='col'>År</th><th scope='col'>Serie 1</th>"
            f"<th scope='col'>Serie 2</th><th scope='col'>Serie 3</th></tr></thead><tbody>{rows}</tbody></table>"
            f"<figure>{chart(number)}<figcaption>Figur {number}: tre serier over elleve år.</figcaption></figure>"
            "</section>"
        )
    return (
        '<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>Plain report</title>'
        f"<style>{CSS}</style></head><body><h1>Plain report</h1>{''.join(sections)}</body></html>"
    )


def write(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "baseline.html"
    path.write_text(document(), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write(Path(sys.argv[1])))
