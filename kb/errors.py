"""The one exception type users see.

Everything a user can fix (a missing file, an empty question, an index built with another
model) is raised as `KbError` with a message that names the thing and the fix. The CLI prints
it as a single line and exits non-zero; anything else is a bug and keeps its traceback.
"""


class KbError(Exception):
    """A problem with the user's input or environment, explained in one line."""


class IndexDamaged(KbError):
    """An index file fails its checks: the index must be rebuilt, the question was fine."""
