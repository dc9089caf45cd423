"""The rules: charging, refunds, usage and access. Nothing here knows about Telegram."""
