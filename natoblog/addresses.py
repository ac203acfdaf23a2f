"""An e-mail address as the whole site compares and keys it: one rule, used by comments,
subscriptions, mail, privacy and accounts."""

import hashlib


def normalise_email(email):
    """The address as stored and compared: no surrounding spaces, lower case."""
    return (email or "").strip().lower()


def email_hash(email):
    """SHA-256 of the normalised address: Gravatar's key, and a way to group what one address
    did (its comments, its subscriptions) without showing or storing the address again."""
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()
