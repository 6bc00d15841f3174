"""Storage: repositories over SQLite or PostgreSQL returning frozen records; all the SQL."""

from storage.chats import ChatRepository
from storage.collections import CollectionRepository
from storage.covers import CoverRepository
from storage.credentials import CredentialRepository
from storage.database import Database
from storage.errors import MigrationError, StorageError
from storage.inbox import InboxRepository
from storage.leases import LeaseRepository, Taken
from storage.records import (
    ChatRecord,
    CollectionRecord,
    CredentialRecord,
    InboxRecord,
    RenderRecord,
    TurnRecord,
)
from storage.renders import RenderRepository
from storage.turns import TurnRepository
from storage.uploads import Claimant, UploadedMedia, UploadRepository

__all__ = [
    "ChatRecord",
    "ChatRepository",
    "Claimant",
    "CollectionRecord",
    "CollectionRepository",
    "CoverRepository",
    "CredentialRecord",
    "CredentialRepository",
    "Database",
    "InboxRecord",
    "InboxRepository",
    "LeaseRepository",
    "MigrationError",
    "RenderRecord",
    "RenderRepository",
    "StorageError",
    "Taken",
    "TurnRecord",
    "TurnRepository",
    "UploadRepository",
    "UploadedMedia",
]
