"""A fake Telegram Bot API over real HTTP: the methods the bot calls, its files, updates and flood limits."""
