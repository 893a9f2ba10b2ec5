"""Errors a user can cause. The CLI turns them into one line on stderr and exit code 2."""

from pydantic import ValidationError


class UserError(Exception):
    """A problem with the user's input or environment, explained in one line."""


def first_problem(error: ValidationError) -> str:
    """The first complaint of a pydantic validation error as 'where.it.is: what is wrong'."""
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else str(first["msg"])
