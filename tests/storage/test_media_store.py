import uuid

import pytest

from resources.storage import MediaStore
from testing.servers import S3_ACCESS_KEY, S3_SECRET_KEY


@pytest.fixture(params=["local", "s3"])
def store(request, tmp_path):
    """The same contract on a local directory and on a real S3 endpoint."""
    if request.param == "local":
        return MediaStore(root=str(tmp_path / "store"))
    s3 = request.getfixturevalue("s3")
    return MediaStore(
        root=s3.root(f"store-{uuid.uuid4().hex[:8]}"),
        s3_endpoint_url=s3.endpoint_url,
        s3_access_key=S3_ACCESS_KEY,
        s3_secret_key=S3_SECRET_KEY,
    )


def test_write_read_and_list_under_deterministic_keys(store):
    store.write_json("jobs/job-123456/a.json", {"x": 1})
    store.write_bytes("jobs/job-123456/es/b.bin", b"abc")
    assert store.read_json("jobs/job-123456/a.json") == {"x": 1}
    assert store.list("jobs/job-123456") == ["jobs/job-123456/a.json", "jobs/job-123456/es/b.bin"]
    assert store.size("jobs/job-123456/es/b.bin") == 3
    assert store.list("jobs/missing") == []


def test_writes_leave_no_temporary_files_and_replace_atomically(store, tmp_path):
    store.write_bytes("k/v", b"old")
    source = tmp_path / "new"
    source.write_bytes(b"new")
    store.put_file(source, "k/v")
    assert store.read_bytes("k/v") == b"new"
    assert store.list(".tmp") == []


def test_a_failed_upload_leaves_the_previous_artifact_intact(store, tmp_path):
    store.write_bytes("k/v", b"good")
    with pytest.raises(FileNotFoundError):
        store.put_file(tmp_path / "does-not-exist", "k/v")
    assert store.read_bytes("k/v") == b"good"


def test_keys_cannot_escape_the_root(store):
    for bad in ("../x", "/etc/passwd", "a/../../b"):
        with pytest.raises(ValueError):
            store.path(bad)


def test_local_copy_and_hash(store):
    store.write_bytes("a/b", b"hello")
    with store.local_copy("a/b") as path:
        assert path.read_bytes() == b"hello"
    assert store.sha256("a/b") == "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"


def test_put_tree_uploads_the_index_last(store, tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    for name in ("index.m3u8", "seg_00000.ts", "seg_00001.ts"):
        (tree / name).write_text(name)
    uploaded = store.put_tree(tree, "hls", last="index.m3u8")
    assert uploaded[-1] == "hls/index.m3u8" and len(uploaded) == 3
