"""The database schema, as an ordered list of migrations. The only place tables are defined.

Each migration runs in its own transaction together with its row in ``_sqlite_migrations``
(sqlite-utils ``Migrations``), so a failing one leaves the file as it was. Never edit a
migration that has shipped: add a new one.
"""

from __future__ import annotations

import json

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from reader.match import key_hash, title_hash, title_key
from reader.parse.names import person_name

MIGRATION_SET = "reader"
migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_initial(db: Database) -> None:
    """Papers, reading history, ratings, notes, tags and the full-text index."""
    db.executescript(
        """
        CREATE TABLE papers (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            abstract TEXT NOT NULL DEFAULT '',
            authors TEXT NOT NULL DEFAULT '[]',   -- JSON list, in the source's order
            year INTEGER,
            date TEXT,
            venue TEXT NOT NULL DEFAULT '',
            arxiv_id TEXT,                        -- without version suffix
            doi TEXT,                             -- lowercase, no resolver prefix
            url TEXT,
            code_url TEXT,
            pdf_path TEXT,
            source TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL
        );
        CREATE UNIQUE INDEX papers_arxiv_id ON papers(arxiv_id) WHERE arxiv_id IS NOT NULL;
        CREATE UNIQUE INDEX papers_doi ON papers(doi) WHERE doi IS NOT NULL;
        CREATE INDEX papers_title ON papers(title COLLATE NOCASE);

        CREATE TABLE status_events (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            status TEXT NOT NULL
                CHECK (status IN ('unread', 'queued', 'reading', 'read', 'dropped')),
            at TEXT NOT NULL
        );
        CREATE INDEX status_events_paper ON status_events(paper_id, id);

        CREATE TABLE rating_events (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            stars INTEGER CHECK (stars IS NULL OR stars BETWEEN 1 AND 5),  -- NULL: cleared
            at TEXT NOT NULL
        );
        CREATE INDEX rating_events_paper ON rating_events(paper_id, id);

        CREATE TABLE notes (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX notes_paper ON notes(paper_id);

        CREATE TABLE tags (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE
        );
        CREATE TABLE paper_tags (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
            PRIMARY KEY (paper_id, tag_id)
        );
        CREATE INDEX paper_tags_tag ON paper_tags(tag_id);

        -- One row per paper; kept in step with papers and notes by the triggers below.
        CREATE VIRTUAL TABLE search USING fts5(
            title, abstract, authors, notes, tokenize = 'unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER papers_search_insert AFTER INSERT ON papers BEGIN
            INSERT INTO search(rowid, title, abstract, authors, notes)
            VALUES (new.id, new.title, new.abstract, new.authors, '');
        END;
        CREATE TRIGGER papers_search_update AFTER UPDATE OF title, abstract, authors ON papers
        BEGIN
            UPDATE search SET title = new.title, abstract = new.abstract, authors = new.authors
            WHERE rowid = new.id;
        END;
        CREATE TRIGGER papers_search_delete AFTER DELETE ON papers BEGIN
            DELETE FROM search WHERE rowid = old.id;
        END;
        CREATE TRIGGER notes_search_insert AFTER INSERT ON notes BEGIN
            UPDATE search SET notes = (
                SELECT coalesce(group_concat(text, char(10)), '') FROM notes
                WHERE paper_id = new.paper_id
            ) WHERE rowid = new.paper_id;
        END;
        CREATE TRIGGER notes_search_update AFTER UPDATE ON notes BEGIN
            UPDATE search SET notes = (
                SELECT coalesce(group_concat(text, char(10)), '') FROM notes
                WHERE paper_id = new.paper_id
            ) WHERE rowid = new.paper_id;
        END;
        CREATE TRIGGER notes_search_delete AFTER DELETE ON notes BEGIN
            UPDATE search SET notes = (
                SELECT coalesce(group_concat(text, char(10)), '') FROM notes
                WHERE paper_id = old.paper_id
            ) WHERE rowid = old.paper_id;
        END;
        """
    )


@migrations()
def m002_review(db: Database) -> None:
    """Spaced review: one schedule card per paper, and the full log of reviews."""
    db.executescript(
        """
        CREATE TABLE review_cards (
            paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
            enabled INTEGER NOT NULL DEFAULT 1,   -- 0: the user turned review off
            due TEXT,
            card TEXT NOT NULL DEFAULT '{}'       -- scheduler state, JSON
        );
        CREATE INDEX review_cards_due ON review_cards(enabled, due);
        CREATE TABLE review_log (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            reviewed_at TEXT NOT NULL,
            grade INTEGER NOT NULL CHECK (grade BETWEEN 1 AND 4),
            interval_days REAL,
            state_before TEXT NOT NULL DEFAULT '{}',
            state_after TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX review_log_paper ON review_log(paper_id, reviewed_at);
        """
    )


@migrations()
def m003_recommender(db: Database) -> None:
    """Feedback on suggestions, the persisted daily lists, interests and the feature cache."""
    db.executescript(
        """
        CREATE TABLE feedback_events (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            kind TEXT NOT NULL CHECK (kind IN ('not_for_me', 'snooze', 'opened')),
            at TEXT NOT NULL,
            until TEXT                            -- for snoozes
        );
        CREATE INDEX feedback_events_paper ON feedback_events(paper_id, kind);
        CREATE TABLE suggestions (
            day TEXT NOT NULL,
            rank INTEGER NOT NULL,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            score REAL NOT NULL,
            reason TEXT NOT NULL,
            exploration INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, rank)
        );
        CREATE TABLE interests (
            term TEXT PRIMARY KEY COLLATE NOCASE,
            added_at TEXT NOT NULL
        );
        CREATE TABLE feature_cache (
            name TEXT PRIMARY KEY,
            version TEXT NOT NULL,
            built_at TEXT NOT NULL,
            data BLOB NOT NULL
        );
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL                   -- JSON
        );
        -- Counts edits and deletions of paper text, so the feature cache can tell it is
        -- stale; additions show up in count(*) and max(id) already.
        CREATE TABLE catalog_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            edits INTEGER NOT NULL
        );
        INSERT INTO catalog_state (id, edits) VALUES (1, 0);
        CREATE TRIGGER catalog_edit AFTER UPDATE OF title, abstract, authors ON papers BEGIN
            UPDATE catalog_state SET edits = edits + 1 WHERE id = 1;
        END;
        CREATE TRIGGER catalog_delete AFTER DELETE ON papers BEGIN
            UPDATE catalog_state SET edits = edits + 1 WHERE id = 1;
        END;
        """
    )


@migrations()
def m004_title_key(db: Database) -> None:
    """Duplicate detection: each paper's title key (folded title + first author's surname,
    see :mod:`reader.match`). NULL means "not computed yet"; the importer fills it in
    before it looks anything up, and an edit of the title or authors resets it."""
    db.executescript(
        """
        ALTER TABLE papers ADD COLUMN title_key TEXT;
        CREATE INDEX papers_title_key ON papers(title_key);
        CREATE TRIGGER papers_title_key_reset AFTER UPDATE OF title, authors ON papers BEGIN
            UPDATE papers SET title_key = NULL WHERE id = new.id;
        END;
        """
    )


@migrations()
def m005_bulk_search_insert(db: Database) -> None:
    """Bulk imports index the full-text search per batch, not per row.

    The insert trigger of m001 now skips papers inserted while ``bulk_insert`` holds a row.
    The importer (:meth:`reader.store.bulk.Ingest.ingest`) puts that row in at the
    start of its batch transaction, inserts the papers, deletes the row, and indexes the
    batch with one ``INSERT INTO search ... SELECT`` before it commits; so the row never
    outlives a transaction (an interrupted one rolls it back with the papers), and every
    other insert, by any program, still indexes itself.

    The importer no longer uses the row: it drops the trigger for its inserts instead,
    inside the same transaction (``bulk._without_search_trigger`` says why). The table
    and the trigger's condition stay, for files written by the older importer.
    """
    db.executescript(
        """
        CREATE TABLE bulk_insert (id INTEGER PRIMARY KEY CHECK (id = 1));
        DROP TRIGGER papers_search_insert;
        CREATE TRIGGER papers_search_insert AFTER INSERT ON papers
        WHEN NOT EXISTS (SELECT 1 FROM bulk_insert) BEGIN
            INSERT INTO search(rowid, title, abstract, authors, notes)
            VALUES (new.id, new.title, new.abstract, new.authors, '');
        END;
        """
    )


SEARCH_TOKENIZE = "unicode61 remove_diacritics 2"
"""The full-text index's tokenizer (m001, m006); the doctor builds a twin index with it."""

# The paper's text and its notes, as the full-text index of m006 reads them.
_SEARCH_SOURCE_NOTES = (
    "coalesce((SELECT group_concat(text, char(10)) FROM notes n WHERE n.paper_id = {id}), '')"
)


@migrations()
def m006_search_external_content(db: Database) -> None:
    """The full-text index keeps no copy of the text: it reads it from the view
    ``search_source`` (an FTS5 external-content table), so titles, abstracts and authors
    are stored once, in ``papers`` (a third smaller file at 1M papers).

    An external-content index can only forget a row if it is told the exact text it
    indexed, so every trigger that changes an entry first issues FTS5's ``'delete'``
    with the values the view gives *before* the change, then re-inserts what the view
    gives after it:

    - papers: insert (skipped while ``bulk_insert`` holds a row, as in m005: the
      importer indexes the batch itself), update of the text (the old values are
      ``old.*``; notes are unchanged by it), and a BEFORE delete, because ON DELETE
      CASCADE removes the paper's notes before any AFTER DELETE trigger on papers runs.
      The notes triggers that cascade then find no paper in the view and do nothing.
    - notes: a BEFORE trigger takes the paper's entry out, an AFTER trigger puts it
      back; an update can move a note to another paper (merging duplicates), so both
      papers are handled.

    Each ``'delete'`` runs only when the index holds an entry for that row (its
    ``search_docsize`` row) and each insert only when it holds none, so a paper that was
    never indexed (a bulk import cut short with its marker left behind) is not "deleted"
    into a corrupt index but indexed on its next change, no entry is ever added twice,
    and a note update that keeps its paper handles that paper once. m003's and m004's
    triggers on papers are unchanged.
    """
    delete = (
        "INSERT INTO search(search, rowid, title, abstract, authors, notes)"
        " SELECT 'delete', id, title, abstract, authors, notes FROM search_source"
        " WHERE id = {id} AND EXISTS (SELECT 1 FROM search_docsize WHERE id = {id});"
    )
    insert = (
        "INSERT INTO search(rowid, title, abstract, authors, notes)"
        " SELECT id, title, abstract, authors, notes FROM search_source"
        " WHERE id = {id} AND NOT EXISTS (SELECT 1 FROM search_docsize WHERE id = {id});"
    )
    db.executescript(
        f"""
        DROP TRIGGER papers_search_insert;
        DROP TRIGGER papers_search_update;
        DROP TRIGGER papers_search_delete;
        DROP TRIGGER notes_search_insert;
        DROP TRIGGER notes_search_update;
        DROP TRIGGER notes_search_delete;
        DROP TABLE search;

        -- What the index holds for each paper: its text and its notes joined by newlines.
        CREATE VIEW search_source AS
            SELECT p.id, p.title, p.abstract, p.authors,
                   {_SEARCH_SOURCE_NOTES.format(id="p.id")} AS notes
            FROM papers p;
        CREATE VIRTUAL TABLE search USING fts5(
            title, abstract, authors, notes,
            content = 'search_source', content_rowid = 'id',
            tokenize = '{SEARCH_TOKENIZE}'
        );
        INSERT INTO search(search) VALUES ('rebuild');

        CREATE TRIGGER papers_search_insert AFTER INSERT ON papers
        WHEN NOT EXISTS (SELECT 1 FROM bulk_insert) BEGIN
            {insert.format(id="new.id")}
        END;
        CREATE TRIGGER papers_search_update AFTER UPDATE OF id, title, abstract, authors
        ON papers BEGIN
            INSERT INTO search(search, rowid, title, abstract, authors, notes)
            SELECT 'delete', old.id, old.title, old.abstract, old.authors,
                   {_SEARCH_SOURCE_NOTES.format(id="old.id")}
            WHERE EXISTS (SELECT 1 FROM search_docsize WHERE id = old.id);
            {insert.format(id="new.id")}
        END;
        CREATE TRIGGER papers_search_delete BEFORE DELETE ON papers BEGIN
            {delete.format(id="old.id")}
        END;

        CREATE TRIGGER notes_search_insert_before BEFORE INSERT ON notes BEGIN
            {delete.format(id="new.paper_id")}
        END;
        CREATE TRIGGER notes_search_insert AFTER INSERT ON notes BEGIN
            {insert.format(id="new.paper_id")}
        END;
        CREATE TRIGGER notes_search_update_before BEFORE UPDATE OF paper_id, text ON notes
        BEGIN
            {delete.format(id="old.paper_id")}
            {delete.format(id="new.paper_id")}
        END;
        CREATE TRIGGER notes_search_update AFTER UPDATE OF paper_id, text ON notes BEGIN
            {insert.format(id="old.paper_id")}
            {insert.format(id="new.paper_id")}
        END;
        CREATE TRIGGER notes_search_delete_before BEFORE DELETE ON notes BEGIN
            {delete.format(id="old.paper_id")}
        END;
        CREATE TRIGGER notes_search_delete AFTER DELETE ON notes BEGIN
            {insert.format(id="old.paper_id")}
        END;
        """
    )


@migrations()
def m007_title_hash(db: Database) -> None:
    """Duplicate lookups go through ``title_hash``, a 64-bit integer of the title key
    (:func:`reader.match.title_hash`; never change that function, stored hashes depend
    on it), instead of an index on the key's text: the index is a fifth the size, so a
    large import dirties a fifth the pages (at a million papers the text index made
    commits the larger half of an import's time). NULL means "not computed yet", as for
    ``title_key``; 0 means "no key". An edit of the title or authors resets both.
    """
    db.execute("ALTER TABLE papers ADD COLUMN title_hash INTEGER")
    rows = db.execute("SELECT id, title_key FROM papers WHERE title_key IS NOT NULL").fetchall()
    db.conn.executemany(
        "UPDATE papers SET title_hash = ? WHERE id = ?", [(title_hash(k), i) for i, k in rows]
    )
    db.executescript(
        """
        DROP INDEX papers_title_key;
        CREATE INDEX papers_title_hash ON papers(title_hash);
        DROP TRIGGER papers_title_key_reset;
        CREATE TRIGGER papers_title_key_reset AFTER UPDATE OF title, authors ON papers BEGIN
            UPDATE papers SET title_key = NULL, title_hash = NULL WHERE id = new.id;
        END;
        """
    )


@migrations()
def m008_arxiv_inbox(db: Database) -> None:
    """The daily arXiv inbox: what the user follows, how far each harvest got, and which
    papers arrived on which announcement day.

    ``arrivals`` has no unique constraint on purpose: merging two papers moves every row
    that references the dropped one (:mod:`reader.store.merge`), and a constraint would
    make such a merge fail; :class:`reader.store.feeds.FeedRepository` inserts an arrival
    only when the same (paper, day, announce type) is not stored yet.
    """
    db.executescript(
        """
        CREATE TABLE feed_subscriptions (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('category', 'query', 'author')),
            value TEXT NOT NULL,
            added_at TEXT NOT NULL,
            UNIQUE (kind, value)
        );
        -- One row per source: 'arxiv' (the day's harvest as a whole) and 'oai:<set>'
        -- (an OAI-PMH catch-up, with the token of a listing left half-way).
        CREATE TABLE harvest_state (
            source TEXT PRIMARY KEY,
            last_harvest TEXT,
            resumption_token TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE arrivals (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            source TEXT NOT NULL CHECK (source IN ('feed', 'oai', 'search')),
            announce_type TEXT NOT NULL,
            version INTEGER NOT NULL DEFAULT 1,
            categories TEXT NOT NULL DEFAULT '',
            already_known INTEGER NOT NULL DEFAULT 0,
            fetched_at TEXT NOT NULL
        );
        CREATE INDEX arrivals_day ON arrivals(day, paper_id);
        CREATE INDEX arrivals_paper ON arrivals(paper_id);
        """
    )


@migrations()
def m009_title_rule_without_authors(db: Database) -> None:
    """Recompute every title key and hash under the title rule of :mod:`reader.match`
    that lets a long title match when one side has no authors: such a paper now has a
    key (``"title|"``), and a long title's hash covers the title alone. Computed here
    rather than left NULL, so that the first import after upgrading finds the papers
    already stored."""
    rows = db.execute("SELECT id, title, authors FROM papers").fetchall()
    keys = [(title_key(title, json.loads(authors or "[]")), i) for i, title, authors in rows]
    db.conn.executemany(
        "UPDATE papers SET title_key = ?, title_hash = ? WHERE id = ?",
        [(key, key_hash(key), paper_id) for key, paper_id in keys],
    )


@migrations()
def m010_arrival_triage(db: Database) -> None:
    """What the user decided about an arrival in the inbox (queued, not_for_me, skipped):
    an arrival with none is still waiting, so the inbox can be emptied."""
    db.executescript(
        """
        ALTER TABLE arrivals ADD COLUMN triage TEXT
            CHECK (triage IS NULL OR triage IN ('queued', 'not_for_me', 'skipped'));
        ALTER TABLE arrivals ADD COLUMN triaged_at TEXT;
        """
    )


@migrations()
def m011_collections_and_deletions(db: Database) -> None:
    """Collections: named, ordered reading lists beside tags (``position`` orders a
    collection's papers, 0 first). ``deleted_papers``: a paper deleted by the user leaves a
    line here (its notes and everything else are in the JSON export written before, at
    ``export_path``), so the deletion is in the history."""
    db.executescript(
        """
        CREATE TABLE collections (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            created_at TEXT NOT NULL
        );
        CREATE TABLE collection_papers (
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            PRIMARY KEY (collection_id, paper_id)
        );
        CREATE INDEX collection_papers_paper ON collection_papers(paper_id);
        CREATE TABLE deleted_papers (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL,            -- the id it had; no longer in papers
            title TEXT NOT NULL,
            deleted_at TEXT NOT NULL,
            export_path TEXT NOT NULL
        );
        """
    )


@migrations()
def m012_hyphenated_initials(db: Database) -> None:
    """Authors stored by the parsers before :func:`reader.parse.names.person_name`
    existed, with the hyphen of two initials split off ("C. -P. Yuan"), in the form the
    parsers give now ("C.-P. Yuan"), so that the same person is one name in search, the
    duplicate check and exports. Only papers whose list changes are written: the
    triggers on ``papers`` then re-index their full-text entry (m006), count the edit
    for the recommender's features (m003) and reset the title key (m007), which is
    computed again here as m009 does."""
    rows = db.execute("SELECT id, title, authors FROM papers WHERE authors LIKE '%-%'")
    changed = []
    for paper_id, title, stored in rows.fetchall():
        try:
            authors = json.loads(stored)
        except ValueError:
            continue  # not a list we wrote: leave it as it is
        if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
            continue
        names = [person_name(a) for a in authors]
        if names != authors:
            changed.append((paper_id, title, names))
    db.conn.executemany(
        "UPDATE papers SET authors = ? WHERE id = ?",
        [(json.dumps(names, ensure_ascii=False), paper_id) for paper_id, _, names in changed],
    )
    keys = [(title_key(title, names), paper_id) for paper_id, title, names in changed]
    db.conn.executemany(
        "UPDATE papers SET title_key = ?, title_hash = ? WHERE id = ?",
        [(key, key_hash(key), paper_id) for key, paper_id in keys],
    )


@migrations()
def m013_steering(db: Database) -> None:
    """ "More like this" / "less like this" on a paper, as a history like the ratings':
    the latest event is the paper's steering, ``NULL`` clears it (so removing one can be
    undone, and an undo removes exactly the event it took back). ``suggestions.named``:
    the ids a saved reason names as liked (JSON), so the reason is restated when one of
    them is no longer liked later that day."""
    db.executescript(
        """
        CREATE TABLE steering_events (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            direction TEXT CHECK (direction IS NULL OR direction IN ('more', 'less')),
            at TEXT NOT NULL
        );
        CREATE INDEX steering_events_paper ON steering_events(paper_id, id);
        ALTER TABLE suggestions ADD COLUMN named TEXT NOT NULL DEFAULT '[]';
        """
    )


@migrations()
def m014_undo_log(db: Database) -> None:
    """The undo log, kept in the database so that the app and ``reader undo`` share it and
    it outlives a session: each row names the event an action added (a row of
    ``status_events``, ``rating_events``, ``feedback_events`` or ``steering_events``:
    ``event_id``) and, for a
    status change that may have scheduled a re-read, the paper's card before it as JSON
    (NULL: it had none). A paper's deletion takes its rows with it."""
    db.executescript(
        """
        CREATE TABLE undo_log (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL
                CHECK (kind IN ('status', 'rating', 'not_for_me', 'snooze', 'steer')),
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            event_id INTEGER NOT NULL,
            description TEXT NOT NULL,
            card_touched INTEGER NOT NULL DEFAULT 0,
            card_before TEXT,                     -- JSON {enabled, due, card}; NULL: none
            at TEXT NOT NULL
        );
        CREATE INDEX undo_log_paper ON undo_log(paper_id);
        """
    )


@migrations()
def m015_paper_vectors(db: Database) -> None:
    """The sentence encoder's row of each paper it has read (``reader.recommend.minilm``):
    float16, little-endian, per model name. Derived data that costs milliseconds a paper to
    make again, so an edit of the text simply deletes it."""
    db.executescript(
        """
        CREATE TABLE paper_vectors (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (paper_id, model)
        ) WITHOUT ROWID;
        CREATE TRIGGER paper_vectors_edit AFTER UPDATE OF title, abstract ON papers
        WHEN NEW.title IS NOT OLD.title OR NEW.abstract IS NOT OLD.abstract BEGIN
            DELETE FROM paper_vectors WHERE paper_id = NEW.id;
        END;
        """
    )


@migrations()
def m016_edited_titles(db: Database) -> None:
    """Papers whose title the user edited: a newer arXiv version from the daily feed no
    longer replaces it (it replaced a corrected title with arXiv's). ``Papers.update_paper``
    (the edit dialog, ``reader edit``) adds the row; a merge keeps the kept paper's."""
    db.executescript(
        """
        CREATE TABLE edited_titles (
            paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE
        );
        """
    )


@migrations()
def m017_undo_grades(db: Database) -> None:
    """A re-read's grade can be undone: ``undo_log`` takes the kind ``grade`` (its
    ``event_id`` a row of ``review_log``, ``card_before`` the card before the grade).
    SQLite cannot change a CHECK, so the table is made again with its rows."""
    db.executescript(
        """
        CREATE TABLE undo_log_new (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL
                CHECK (kind IN ('status', 'rating', 'not_for_me', 'snooze', 'steer', 'grade')),
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            event_id INTEGER NOT NULL,
            description TEXT NOT NULL,
            card_touched INTEGER NOT NULL DEFAULT 0,
            card_before TEXT,                     -- JSON {enabled, due, card}; NULL: none
            at TEXT NOT NULL
        );
        INSERT INTO undo_log_new SELECT * FROM undo_log;
        DROP TABLE undo_log;
        ALTER TABLE undo_log_new RENAME TO undo_log;
        CREATE INDEX undo_log_paper ON undo_log(paper_id);
        """
    )
