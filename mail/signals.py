from django.dispatch import Signal

# Sent by `manage.py purge_mail` with ``links_expired_before`` (a datetime: links signed
# before it have expired). A receiver returns [(label, queryset), ...] of rows that may go
# now; the command counts them and, unless --dry-run, deletes them.
purging = Signal()
