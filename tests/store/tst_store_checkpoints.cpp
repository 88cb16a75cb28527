// Issue 25: a serve process checkpoints its SQLite WAL on a thread of its own
// (Store::checkpointInBackground). The commits on the store's own thread must then sync the
// database file never (a checkpoint is what syncs it, twice an fsync per checkpoint that
// four serve writers kept repeating inside their requests), the checkpoints must still
// happen, and every commit must be in the database after it.

#include "Store.h"
#include "StoreTestSupport.h"

#include <QTemporaryDir>
#include <QTest>
#include <atomic>
#include <sqlite3.h>
#include <thread>

using namespace kelly;
using namespace kelly::store;
using kelly::testing::utc;

namespace {

// A VFS over the default one that counts the syncs of database files (not of the WAL or
// journal) by the thread that asks for them.
std::thread::id g_storeThread;
std::atomic<int> g_databaseSyncsOnStoreThread{0};
std::atomic<int> g_databaseSyncsElsewhere{0};
sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_counting;
sqlite3_io_methods g_methods;

struct CountingFile
{
    sqlite3_file base; // g_methods
    bool database;
    sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

CountingFile* counting(sqlite3_file* file)
{
    return reinterpret_cast<CountingFile*>(file);
}

int countingSync(sqlite3_file* file, int flags)
{
    if (counting(file)->database)
        ++(std::this_thread::get_id() == g_storeThread ? g_databaseSyncsOnStoreThread
                                                       : g_databaseSyncsElsewhere);
    sqlite3_file* real = counting(file)->real();
    return real->pMethods->xSync(real, flags);
}

int countingOpen(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* outFlags)
{
    CountingFile* wrapper = counting(file);
    sqlite3_file* real = wrapper->real();
    const int opened = g_base->xOpen(g_base, name, real, flags, outFlags);
    if (real->pMethods == nullptr) {
        file->pMethods = nullptr;
        return opened;
    }
    if (g_methods.iVersion == 0) { // every method forwarded but xSync
        g_methods = *real->pMethods;
#define KELLY_FORWARD(method, ...)                                                                 \
    g_methods.method = [](sqlite3_file* f, auto... a) {                                            \
        sqlite3_file* r = counting(f)->real();                                                     \
        return r->pMethods->method(r, a...);                                                       \
    };
        g_methods.xClose = [](sqlite3_file* f) {
            sqlite3_file* r = counting(f)->real();
            return r->pMethods->xClose(r);
        };
        KELLY_FORWARD(xRead)
        KELLY_FORWARD(xWrite)
        KELLY_FORWARD(xTruncate)
        KELLY_FORWARD(xFileSize)
        KELLY_FORWARD(xLock)
        KELLY_FORWARD(xUnlock)
        KELLY_FORWARD(xCheckReservedLock)
        KELLY_FORWARD(xFileControl)
        KELLY_FORWARD(xShmMap)
        KELLY_FORWARD(xShmLock)
        KELLY_FORWARD(xShmUnmap)
        KELLY_FORWARD(xFetch)
        KELLY_FORWARD(xUnfetch)
#undef KELLY_FORWARD
        g_methods.xSectorSize = [](sqlite3_file* f) {
            sqlite3_file* r = counting(f)->real();
            return r->pMethods->xSectorSize(r);
        };
        g_methods.xDeviceCharacteristics = [](sqlite3_file* f) {
            sqlite3_file* r = counting(f)->real();
            return r->pMethods->xDeviceCharacteristics(r);
        };
        g_methods.xShmBarrier = [](sqlite3_file* f) {
            sqlite3_file* r = counting(f)->real();
            r->pMethods->xShmBarrier(r);
        };
        g_methods.xSync = countingSync;
    }
    wrapper->database = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    file->pMethods = &g_methods;
    return opened;
}

void installCountingVfs()
{
    g_base = sqlite3_vfs_find(nullptr);
    g_counting = *g_base;
    g_counting.zName = "kelly-counting";
    g_counting.szOsFile = static_cast<int>(sizeof(CountingFile)) + g_base->szOsFile;
    g_counting.xOpen = countingOpen;
    sqlite3_vfs_register(&g_counting, 1); // the default: QSQLITE opens through it
}

} // namespace

class TestStoreCheckpoints : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { installCountingVfs(); }
    void checkpointsLeaveTheCommits();

private:
    QTemporaryDir m_dir;
};

// Commits past the 1,000 WAL pages at which a checkpoint is due, on a store that
// checkpoints in the background: its own thread syncs the database file never,
// another thread does, and every position committed is read back by a new connection.
void TestStoreCheckpoints::checkpointsLeaveTheCommits()
{
    KELLY_SQLITE_ONLY("SQLite's WAL checkpoints");
    g_storeThread = std::this_thread::get_id();
    QString error;
    const QString name = testing::newStoreName(m_dir.path(), QStringLiteral("c.sqlite"), &error);
    Store store;
    QVERIFY2(!name.isEmpty() && store.open(name, &error), qPrintable(error));
    QVERIFY2(store.checkpointInBackground(&error), qPrintable(error));
    g_databaseSyncsOnStoreThread = 0;
    g_databaseSyncsElsewhere = 0;

    // Each commit writes 2 or 3 pages to the WAL: 1,500 of them pass 1,000 pages at least
    // once whatever the checkpoints did in between.
    const UtcTime now = utc(2026, 12, 7, 15);
    constexpr int kPositions = 1500;
    for (int i = 0; i < kPositions; ++i)
        QVERIFY2(
            store.setPosition(Position{"S" + std::to_string(i), 1.0 + i, 10.0, 10.0}, now, &error),
            qPrintable(error));
    QCOMPARE(g_databaseSyncsOnStoreThread.load(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(g_databaseSyncsElsewhere > 0, 5000);
    store.close();

    Store reader;
    AccountRecord account;
    QVERIFY2(reader.open(name, &error) && reader.loadAccount(&account, &error), qPrintable(error));
    QCOMPARE(static_cast<int>(account.account.positions.size()), kPositions);
}

QTEST_GUILESS_MAIN(TestStoreCheckpoints)
#include "tst_store_checkpoints.moc"
