"""captcha-bot: a Telegram bot that solves Bytrade slide puzzles for a team."""
