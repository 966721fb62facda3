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
