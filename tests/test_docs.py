"""Generated documentation stays in step with the code."""

import importlib.util


def test_generated_docs_are_current(repo_root):
    spec = importlib.util.spec_from_file_location("gen_docs", repo_root / "scripts" / "gen_docs.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    for rel, make in gen.GENERATED.items():
        assert (repo_root / rel).read_text(encoding="utf-8") == make(), f"{rel} is stale: run python scripts/gen_docs.py"
