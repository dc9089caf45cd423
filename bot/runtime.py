"""The long-lived resources (database engine, HTTP clients) and the services built on them.

One owner: whoever opens the runtime closes it. The bot opens it in post_init and closes it in
post_shutdown; each CLI command opens its own.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from bot.db.engine import SessionMaker, create_engine, create_sessionmaker
from bot.db.history import answer_delays
from bot.db.migrate import upgrade_database
from bot.services.access import ChatAccess
from bot.services.accounts import Accounts
from bot.services.feedback import Feedback
from bot.services.reports import Reports
from bot.settings import Settings
from bot.solver.base import Backend
from bot.solver.factory import Solvers, open_solvers

# Paid jobs of earlier runs the poll planner starts from: about its window's worth.
RECALLED_JOBS = 200


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    sessions: SessionMaker
    accounts: Accounts
    access: ChatAccess
    reports: Reports
    feedback: Feedback
    solvers: Solvers


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    async with AsyncExitStack() as stack:
        engine = create_engine(settings)
        stack.push_async_callback(engine.dispose)
        await upgrade_database(engine)
        sessions = create_sessionmaker(engine)
        solvers = open_solvers(settings, stack)
        if solvers.provider is not None:  # no cold start: polls are placed as well as before the restart
            async with sessions() as session:
                solvers.provider.recall(await answer_delays(session, Backend.OMOCAPTCHA, RECALLED_JOBS))
        access = ChatAccess(settings.allowed_chat_ids, settings.admin_user_ids)
        reports = Reports(sessions, timezone=settings.timezone)
        yield Runtime(
            settings=settings,
            sessions=sessions,
            accounts=Accounts(sessions, initial_tokens=settings.initial_tokens),
            access=access,
            reports=reports,
            feedback=Feedback(
                sessions,
                reports,
                access,
                window=timedelta(minutes=settings.report_window_minutes),
                policy=settings.refund_wrong,
                refunds_per_day=settings.refund_wrong_per_day,
            ),
            solvers=solvers,
        )
