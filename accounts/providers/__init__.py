"""Social log-in providers: allauth's, adjusted (``facebook``), and one of our own
(``wordpress_com``, which allauth does not ship)."""
