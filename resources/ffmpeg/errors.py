"""Media errors carry a stable code that clients and operators can rely on."""


class MediaError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"[{code}] {message}")
        self.code = code
        self.message = message
