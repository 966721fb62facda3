"""Point this process's Celery app at a real broker for one test (the suite runs eagerly)."""

from config.celery import app


def _reconnect() -> None:
    # Connections and producers are pooled on first use; drop them so the next send
    # connects to the broker now configured.
    app._pool = None
    app.amqp._producer_pool = None


def use_broker(monkeypatch, url: str, *, result_backend: str | None = None) -> None:
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    monkeypatch.setitem(app.conf, "broker_url", url)
    if result_backend:
        monkeypatch.setitem(app.conf, "result_backend", result_backend)
    _reconnect()


def restore_broker() -> None:
    """Call after the test, once monkeypatch has put the settings back."""
    _reconnect()
