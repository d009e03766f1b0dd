/*
 * db.h - the corpus database (firth-db(5)): one SQLite file holding the
 * vocabulary, the batches ingested and the co-occurrence shards.
 */
#ifndef FIRTH_DB_H
#define FIRTH_DB_H

#include <sqlite3.h>
#include <stdint.h>

#define DB_SCHEMA_VERSION 1

struct db {
	sqlite3 *h;
	char *path;
	int intx;		/* inside a transaction begun by db_begin */
};

enum { DB_READ = 0, DB_WRITE = 1, DB_CREATE = 2 };

/*
 * Open a corpus database.  mode DB_CREATE creates the file and its schema
 * when missing; DB_WRITE and DB_READ refuse a missing file with a message
 * that says which command creates it.  The file is opened defensively
 * (no trusted schema, SQLITE_DBCONFIG_DEFENSIVE), in WAL mode with a busy
 * timeout, and its schema version is checked.  Failures die.
 */
struct db *db_open(const char *path, int mode);
void db_close(struct db *db);

/* Transactions: BEGIN IMMEDIATE, so a writer waits at the start. */
void db_begin(struct db *db);
void db_commit(struct db *db);
void db_rollback(struct db *db);

/* Statements.  db_prepare dies on error; db_step dies on anything but
 * SQLITE_ROW and SQLITE_DONE and returns which. */
sqlite3_stmt *db_prepare(struct db *db, const char *sql);
int db_step(struct db *db, sqlite3_stmt *st);
void db_exec(struct db *db, const char *sql);
void db_die(struct db *db, const char *what) __attribute__((noreturn));

/* meta(key, value).  db_meta_get returns a malloc'd string or NULL. */
char *db_meta_get(struct db *db, const char *key);
void db_meta_set(struct db *db, const char *key, const char *value);

/*
 * Settings that every batch of a kind must share.  The first batch records
 * them; later batches must match, or db_settings_check dies naming both.
 * settings is "key=value key=value", compared as a whole.
 */
void db_settings_check(struct db *db, const char *key, const char *settings,
    int force);

/*
 * batches: one row per ingested input.  kind is "vocab" or "cooc".  key
 * is a batch key (digest_key, tokin_digest: "DIGEST LEGACY", maybe with
 * "+N" from --force) or a digest as a batches table holds it.
 * db_batch_find returns the id of the batch recorded under the key's
 * digest or, for a batch an older firth counted, its legacy checksum;
 * -1 when there is none.  db_batch_add records the batch under the
 * key's digest alone and returns its id.
 */
#define DB_DIGEST_MAX 256	/* bytes of a digest as stored, NUL included */
int64_t db_batch_find(struct db *db, const char *kind, const char *key);
int64_t db_batch_add(struct db *db, const char *kind, const char *key,
    const char *source, int64_t docs, int64_t tokens);

/* words: stable ids 0..n-1 in order of first appearance. */
uint32_t db_nwords(struct db *db);
/*
 * Load the whole words table: (*words)[id], NUL-terminated strings in one
 * block, and (*counts)[id], for id 0..*n-1.  Free with db_words_free.
 */
void db_words_load(struct db *db, char ***words, int64_t **counts,
    uint32_t *n);
void db_words_free(char **words, int64_t *counts, uint32_t n);

#endif
