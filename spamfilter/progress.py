"""A progress bar on a terminal (rich), nothing elsewhere (cron, tests, pipes)."""

from contextlib import contextmanager


@contextmanager
def progress(stream, total, description):
    """Yields ``advance()``; draws a bar on ``stream`` only when it is a terminal."""
    if not getattr(stream, "isatty", lambda: False)():
        yield lambda: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(file=stream), transient=True) as bar:
        task = bar.add_task(description, total=total)
        yield lambda: bar.advance(task)
