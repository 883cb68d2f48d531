"""The storage queues by name: the function modules bind their queue triggers to these names when
the app is indexed, so this module imports nothing (shared.storage.queues sends to them)."""

MAIL_QUEUE = "mail-outbox"
RESET_QUEUE = "password-resets"
EXPORT_QUEUE = "journal-exports"
LINK_QUEUE = "link-mails"
QUEUES = (MAIL_QUEUE, LINK_QUEUE, RESET_QUEUE, EXPORT_QUEUE)
POISON_SUFFIX = "-poison"  # where the Functions host moves a message after maxDequeueCount failures
