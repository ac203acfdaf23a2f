"""Personal data export and erasure: a registry the apps join (see registry.py)."""

from .registry import (
    Erasure,
    erase_personal_data,
    export_personal_data,
    providers,
    register,
    users_with_email,
)

__all__ = [
    "Erasure",
    "erase_personal_data",
    "export_personal_data",
    "providers",
    "register",
    "users_with_email",
]
