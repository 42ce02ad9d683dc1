from __future__ import annotations

from wirewatch.store.schema import latest_version, load_migrations, split_statements


def test_split_keeps_triggers_whole() -> None:
    script = """
    -- a comment; with a semicolon
    CREATE TABLE t (a TEXT); CREATE TABLE u (b TEXT);
    CREATE TRIGGER x AFTER INSERT ON t BEGIN
        INSERT INTO u VALUES (new.a); INSERT INTO u VALUES ('x;y');
    END;
    """
    statements = split_statements(script)
    assert len(statements) == 3
    assert statements[2].startswith("CREATE TRIGGER") and statements[2].endswith("END;")


def test_migrations_are_numbered_from_one() -> None:
    migrations = load_migrations()
    assert [v for v, _ in migrations] == list(range(1, latest_version() + 1))
    assert "CREATE VIRTUAL TABLE articles_fts" in migrations[0][1]
