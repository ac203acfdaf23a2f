"""An import runs in a process of its own (manage.py import_wordpress): every worker of the
site shows its comments at once, the page cache included (gunicorn with 2 workers, the page
cache on, as in tests/pagecache/test_across_processes.py, whose site this borrows)."""

from harness.processes import manage
from tests.moving.helpers import WORDPRESS_EDGES
from tests.pagecache.test_across_processes import hit, prepared, site  # noqa: F401 (fixtures)


def test_an_import_from_its_own_process_is_on_every_workers_page_at_once(site):  # noqa: F811
    with site.server() as server:
        before = server.every_worker(until=hit)
        assert not any("Ann Reader" in text for _, text, _ in before)

        manage(site.env, "import_wordpress", str(WORDPRESS_EDGES), capture_output=True)

        after = server.every_worker(until=hit)
        stale = [(state, pid) for state, text, pid in after if "Ann Reader" not in text]
        assert stale == [], f"the page before the import still served by {stale}"
        assert all("3 thoughts on" in text for _, text, _ in after)
