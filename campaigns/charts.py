"""Rows for the dashboard's server-rendered SVG charts (no JavaScript)."""


def bar_rows(data: dict, figure: str, labels: dict | None = None) -> list[dict]:
    labels = labels or {}
    values = [
        (key, (row.get(figure) if isinstance(row, dict) else row) or 0) for key, row in data.items()
    ]
    values.sort(key=lambda item: -item[1])
    largest = max((value for _key, value in values), default=0) or 1
    return [
        {
            "key": key,
            "label": str(labels.get(key, key)),
            "value": value,
            "percent": round(100 * value / largest, 1),
        }
        for key, value in values
    ]


def column_rows(series: dict, figure: str) -> list[dict]:
    largest = max((row[figure] for row in series.values()), default=0) or 1
    return [
        {"label": period, "value": row[figure], "percent": round(100 * row[figure] / largest, 1)}
        for period, row in series.items()
    ]


# --- The dashboard's charts, with axes, value labels and the year ------------------------
def nice_ticks(largest, count: int = 4) -> list:
    """Round axis ticks from 0 to at least ``largest`` (0, 250, 500, 750, 1000)."""
    if not largest or largest <= 0:
        return [0, 1]
    raw = float(largest) / count
    magnitude = 10 ** (len(str(int(raw))) - 1) if raw >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    step = int(step) if float(step).is_integer() else step
    ticks = [0]
    while ticks[-1] < largest:
        ticks.append(ticks[-1] + step)
    return ticks


def bar_chart(data: dict, figure: str, labels: dict | None = None) -> dict:
    """Horizontal bars against a value axis with round ticks; each bar has its value."""
    rows = bar_rows(data, figure, labels)
    ticks = nice_ticks(max((row["value"] for row in rows), default=0))
    top = ticks[-1]
    for row in rows:
        row["percent"] = round(100 * float(row["value"]) / top, 1)
    return {
        "rows": rows,
        "ticks": [{"value": tick, "percent": round(100 * tick / top, 1)} for tick in ticks],
    }


COLUMN_CHART = {"width": 640, "height": 260, "left": 64, "right": 8, "top": 22, "bottom": 44}


def column_chart(series: dict, figure: str) -> dict:
    """A month series ("2026-05" → figures) as SVG geometry: a value axis with round
    ticks, one column per month with its value above it, the months along the bottom
    and the year under the first month of each year."""
    geometry = dict(COLUMN_CHART)
    plot_left, plot_top = geometry["left"], geometry["top"]
    plot_width = geometry["width"] - geometry["left"] - geometry["right"]
    plot_height = geometry["height"] - geometry["top"] - geometry["bottom"]
    plot_bottom = plot_top + plot_height
    values = [(period, row[figure] or 0) for period, row in series.items()]
    ticks = nice_ticks(max((value for _period, value in values), default=0))
    top = ticks[-1]
    slot = plot_width / max(len(values), 1)
    columns = []
    previous_year = None
    for index, (period, value) in enumerate(values):
        year, month = period.split("-")
        height = plot_height * float(value) / top
        x = plot_left + index * slot
        columns.append(
            {
                "period": period,
                "x": round(x + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(plot_bottom - height, 1),
                "height": round(height, 1),
                "centre": round(x + slot / 2, 1),
                "value": value,
                "month": int(month),
                "year": int(year) if year != previous_year else None,
            }
        )
        previous_year = year
    return geometry | {
        "plot_left": plot_left,
        "plot_right": plot_left + plot_width,
        "plot_top": plot_top,
        "plot_bottom": plot_bottom,
        "month_y": plot_bottom + 15,
        "year_y": plot_bottom + 32,
        "ticks": [
            {"value": tick, "y": round(plot_bottom - plot_height * tick / top, 1)} for tick in ticks
        ],
        "columns": columns,
        "value_labels": len(columns) <= 24,
    }
