"""One shape for every error with a stable code (docs/architecture.md, "Vocabulary").

The code (`area.reason`, e.g. `language.unsupported`) is what clients, operators and the stage
classifier rely on; the message is one line for people. Subclasses may also keep a builtin base
(KeyError, OSError, RuntimeError) where callers catch that.
"""


class CodedError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message
