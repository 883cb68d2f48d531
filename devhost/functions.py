"""The indexed FunctionApp, sorted by trigger, and the one way the local host calls a function."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import azure.functions as func
from azure.functions.decorators.function_app import Function
from azure.functions.decorators.http import HttpOutput, HttpTrigger
from azure.functions.decorators.queue import QueueTrigger
from azure.functions.decorators.timer import TimerTrigger

logger = logging.getLogger("devhost")


@dataclass(frozen=True)
class Indexed:
    """One function with its name and the parameter name its trigger value is passed as."""

    name: str
    argument: str
    function: Function


@dataclass(frozen=True)
class HttpFunction(Indexed):
    trigger: HttpTrigger


@dataclass(frozen=True)
class TimerFunction(Indexed):
    trigger: TimerTrigger


@dataclass(frozen=True)
class QueueFunction(Indexed):
    trigger: QueueTrigger


@dataclass(frozen=True)
class FunctionIndex:
    http: Sequence[HttpFunction]
    timers: Sequence[TimerFunction]
    queues: Sequence[QueueFunction]

    def triggerable(self, name: str) -> TimerFunction | QueueFunction | None:
        """The non-HTTP function called `name`, for the admin endpoint."""
        candidates: list[TimerFunction | QueueFunction] = [*self.timers, *self.queues]
        return next((candidate for candidate in candidates if candidate.name == name), None)


_INDEXED: dict[int, tuple[func.FunctionApp, FunctionIndex]] = {}


def index(app: func.FunctionApp) -> FunctionIndex:
    """Index the app exactly as Azure does. get_functions() may run only once per app, so a
    second host in the same process (the bench starts one per emulator) gets the same index."""
    if (known := _INDEXED.get(id(app))) is not None and known[0] is app:
        return known[1]
    _INDEXED[id(app)] = (app, found := _index(app))
    return found


def _index(app: func.FunctionApp) -> FunctionIndex:
    http: list[HttpFunction] = []
    timers: list[TimerFunction] = []
    queues: list[QueueFunction] = []
    for function in app.get_functions():
        trigger = function.get_trigger()
        name = str(function.get_function_name())
        if trigger is None:  # get_functions() already refuses this; kept for the type checker
            continue
        _warn_about_unsupplied_bindings(name, function)
        if isinstance(trigger, HttpTrigger):
            http.append(HttpFunction(name, trigger.name, function, trigger))
        elif isinstance(trigger, TimerTrigger):
            timers.append(TimerFunction(name, trigger.name, function, trigger))
        elif isinstance(trigger, QueueTrigger):
            queues.append(QueueFunction(name, trigger.name, function, trigger))
        else:
            logger.warning(
                "function %s has a %s trigger, which the local host does not run", name, trigger.type
            )
    return FunctionIndex(tuple(http), tuple(timers), tuple(queues))


def invoke(indexed: Indexed, value: object) -> Any:
    """Call the user's function with its trigger value, running it to completion if it is async."""
    result = indexed.function.get_user_function()(**{indexed.argument: value})
    if inspect.isawaitable(result):
        return asyncio.run(_await(result))
    return result


async def _await(awaitable: Any) -> Any:
    return await awaitable


def _warn_about_unsupplied_bindings(name: str, function: Function) -> None:
    # Input and output bindings other than the HTTP response are not emulated: say so at startup
    # rather than let the first call fail with a missing-argument TypeError.
    trigger = function.get_trigger()
    for binding in function.get_bindings():
        if binding is trigger or (isinstance(binding, HttpOutput) and binding.name == "$return"):
            continue
        logger.warning(
            "function %s uses a %s binding, which the local host does not supply", name, binding.type
        )
