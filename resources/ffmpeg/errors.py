"""Media errors carry a stable code that clients and operators can rely on."""

from dubbing_core.errors import CodedError


class MediaError(CodedError):
    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"
