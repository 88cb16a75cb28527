// SPEC 5 price files: accepted layouts, and every error naming its file and line.
#include "common/Text.h"
#include "risk/PriceFile.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <bit>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>

using namespace kelly;

namespace {

const std::string kLabel = "prices/NVDA.csv";

bool writeFile(const QString& path, const QByteArray& content)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(content) == content.size();
}

// YYYY-MM-DD of a day counted from 1970-01-01.
std::string isoDate(int daysSinceEpoch)
{
    const std::chrono::year_month_day day{std::chrono::sys_days{std::chrono::days{daysSinceEpoch}}};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                  static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
    return text;
}

} // namespace

class TestPriceFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data();
    void parses();
    void rejects_data();
    void rejects();
    void closesAreReadAsFromCharsReadsThem();
    void isoDates_data();
    void isoDates();
    void readsFileWithSymbolFromStem();
    void missingFileIsAnError();
    void loadsFolderSortedBySymbol();
    void folderErrors_data();
    void folderErrors();
    void manyFilesLoadInParallelDeterministically();
    void printableEscapesControlCharacters_data();
    void printableEscapesControlCharacters();
    void errorsQuotingTheFileArePrintable();
};

void TestPriceFile::parses_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QStringList>("dates");
    QTest::addColumn<QList<double>>("closes");
    const QStringList twoDays{QStringLiteral("2024-01-02"), QStringLiteral("2024-01-03")};
    QTest::newRow("date,close") << QByteArray("date,close\n2024-01-02,10.5\n2024-01-03,11\n")
                                << twoDays << QList<double>{10.5, 11.0};
    QTest::newRow("upper-case header, no final newline")
        << QByteArray("DATE,CLOSE\n2024-01-02,10.5\n2024-01-03,11") << twoDays
        << QList<double>{10.5, 11.0};
    QTest::newRow("rows out of order are sorted")
        << QByteArray("date,close\n2024-01-03,11\n2024-01-02,10.5\n") << twoDays
        << QList<double>{10.5, 11.0};
    QTest::newRow("Yahoo export prefers Adj Close")
        << QByteArray("Date,Open,High,Low,Close,Adj Close,Volume\n"
                      "2024-01-02,1,2,0.5,10.5,10.25,100\n2024-01-03,1,2,0.5,11,10.75,100\n")
        << twoDays << QList<double>{10.25, 10.75};
    QTest::newRow("Yahoo export without Adj Close uses Close")
        << QByteArray("Date,Close,High,Low,Open,Volume\n2024-01-02,10.5,1,1,1,5\n"
                      "2024-01-03,11,1,1,1,5\n")
        << twoDays << QList<double>{10.5, 11.0};
    QTest::newRow("CRLF, BOM, blank lines, spaces, quotes")
        << QByteArray("\xEF\xBB\xBF\"Date\", \"Close\"\r\n\r\n2024-01-02, 10.5\r\n\r\n"
                      "\"2024-01-03\",\"11\"\r\n")
        << twoDays << QList<double>{10.5, 11.0};
    QTest::newRow("date with a time part keeps the day")
        << QByteArray("date,close\n2024-01-02 00:00:00-05:00,10.5\n2024-01-03T00:00:00,11\n")
        << twoDays << QList<double>{10.5, 11.0};
    // SPEC 5: Yahoo's `null` and an empty close are days without data, skipped; the other
    // columns of such a row are not read.
    QTest::newRow("Yahoo null and empty closes are skipped")
        << QByteArray(
               "Date,Open,High,Low,Close,Adj Close,Volume\n"
               "2024-01-02,1,2,0.5,10.5,10.25,100\n2024-01-04,null,null,null,null,null,null\n"
               "2024-01-05,1,2,0.5,1,,100\n2024-01-03,1,2,0.5,11,10.75,100\n\n\n")
        << twoDays << QList<double>{10.25, 10.75};
    QTest::newRow("CRLF with null rows and trailing blank lines")
        << QByteArray("date,close\r\n2024-01-02,10.5\r\n2024-01-09,null\r\n2024-01-03,11\r\n\r\n")
        << twoDays << QList<double>{10.5, 11.0};
    QTest::newRow("close column first, extra columns")
        << QByteArray("close,volume,date\n10.5,1,2024-01-02\n11,2,2024-01-03\n") << twoDays
        << QList<double>{10.5, 11.0};
}

void TestPriceFile::parses()
{
    QFETCH(QByteArray, content);
    QFETCH(QStringList, dates);
    QFETCH(QList<double>, closes);
    const auto series = parsePriceCsv(content.toStdString(), kLabel, "NVDA");
    QVERIFY2(series.ok(), series.ok() ? "" : series.error().describe().c_str());
    QCOMPARE(series->symbol, std::string("NVDA"));
    QCOMPARE(series->dates.size(), static_cast<std::size_t>(dates.size()));
    for (qsizetype i = 0; i < dates.size(); ++i) {
        QCOMPARE(QString::fromStdString(series->dates[static_cast<std::size_t>(i)]), dates[i]);
        QCOMPARE(series->closes[static_cast<std::size_t>(i)], closes[i]);
    }
}

void TestPriceFile::rejects_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("field"); // file, or file:line
    QTest::addColumn<QString>("messagePart");
    const QString file = QString::fromStdString(kLabel);
    auto at = [&](int line) {
        return file + QLatin1Char(':') + QString::number(line);
    };
    QTest::newRow("empty file") << QByteArray() << file << QStringLiteral("empty file");
    QTest::newRow("only blank lines")
        << QByteArray("\n\r\n\n") << file << QStringLiteral("empty file");
    QTest::newRow("header only") << QByteArray("date,close\n") << file
                                 << QStringLiteral("no price rows");
    QTest::newRow("missing date column") << QByteArray("day,close\n2024-01-02,1\n") << at(1)
                                         << QStringLiteral("missing column 'date'");
    QTest::newRow("missing close column") << QByteArray("date,open\n2024-01-02,1\n") << at(1)
                                          << QStringLiteral("missing column 'close'");
    QTest::newRow("bad month") << QByteArray("date,close\n2024-01-02,1\n2024-13-01,2\n") << at(3)
                               << QStringLiteral("bad date '2024-13-01'");
    QTest::newRow("30 February") << QByteArray("date,close\n2024-02-30,1\n") << at(2)
                                 << QStringLiteral("bad date");
    QTest::newRow("29 February outside a leap year")
        << QByteArray("date,close\n2023-02-29,1\n") << at(2) << QStringLiteral("bad date");
    QTest::newRow("US-style date")
        << QByteArray("date,close\n01/02/2024,1\n") << at(2) << QStringLiteral("bad date");
    QTest::newRow("duplicate date names the later line")
        << QByteArray("date,close\n2024-01-02,1\n2024-01-03,2\n\n2024-01-02,3\n") << at(5)
        << QStringLiteral("duplicate date 2024-01-02 (also line 2)");
    QTest::newRow("non-numeric close")
        << QByteArray("date,close\n2024-01-02,abc\n") << at(2) << QStringLiteral("not a number");
    QTest::newRow("only null closes")
        << QByteArray("Date,Open,High,Low,Close,Adj Close,Volume\n2024-01-02,1,1,1,1,null,0\n")
        << file << QStringLiteral("no price rows");
    QTest::newRow("'none' is not Yahoo's null marker")
        << QByteArray("date,close\n2024-01-02,none\n") << at(2) << QStringLiteral("not a number");
    QTest::newRow("trailing junk after the number")
        << QByteArray("date,close\n2024-01-02,1.5x\n") << at(2) << QStringLiteral("not a number");
    QTest::newRow("blank close is not a number")
        << QByteArray("date,close\n2024-01-02, x \n") << at(2) << QStringLiteral("not a number");
    QTest::newRow("zero close") << QByteArray("date,close\n2024-01-02,0\n") << at(2)
                                << QStringLiteral("not positive");
    QTest::newRow("negative close")
        << QByteArray("date,close\n2024-01-02,-3\n") << at(2) << QStringLiteral("not positive");
    QTest::newRow("infinite close")
        << QByteArray("date,close\n2024-01-02,inf\n") << at(2) << QStringLiteral("not finite");
    QTest::newRow("NaN close") << QByteArray("date,close\n2024-01-02,nan\n") << at(2)
                               << QStringLiteral("not finite");
    QTest::newRow("too few fields") << QByteArray("date,volume,close\n2024-01-02,5\n") << at(2)
                                    << QStringLiteral("expected at least 3 fields");
}

void TestPriceFile::rejects()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, field);
    QFETCH(QString, messagePart);
    const auto series = parsePriceCsv(content.toStdString(), kLabel, "NVDA");
    QVERIFY(!series.ok());
    QCOMPARE(QString::fromStdString(series.error().field), field);
    const QString message = QString::fromStdString(series.error().message);
    QVERIFY2(message.contains(messagePart), qPrintable(message));
}

// The common `YYYY-MM-DD,close` row is read without splitting and its close without
// from_chars when it is plain digits: every close must still be the double from_chars
// gives, bit for bit, whatever its length, and rows of other shapes in the same file (blanks,
// quotes, exponents) read as before.
void TestPriceFile::closesAreReadAsFromCharsReadsThem()
{
    std::vector<std::string> closes{"1",
                                    "0.1",
                                    "187.25",
                                    "0.000000000000000001",
                                    "123456789012345678.9",
                                    "9007199254740993",
                                    "9007199254740992.5",
                                    "90071992547409931",
                                    "1234567890123456789012",
                                    "00000000000000000000.5",
                                    "75.12904200000000000",
                                    "5.",
                                    ".5",
                                    "1e3",
                                    "2.5E-3"};
    std::uint64_t state = 88172645463325252u; // xorshift: many decimals of every length
    for (int i = 0; i < 4000; ++i) {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        std::string digits = std::to_string(state % 100000000000000000u + 1);
        const std::size_t point = (state >> 57) % (digits.size() + 1);
        if (point > 0 && point < digits.size())
            digits = digits.substr(0, point) + "." + digits.substr(point);
        closes.push_back(digits);
    }
    std::string text = "date,close\n";
    std::vector<double> expected;
    for (std::size_t i = 0; i < closes.size(); ++i) {
        const std::string& close = closes[i];
        double value = 0.0;
        const auto [end, ec] = std::from_chars(close.data(), close.data() + close.size(), value);
        QVERIFY2(ec == std::errc() && end == close.data() + close.size(), close.c_str());
        expected.push_back(value);
        const std::string date = isoDate(20000 + static_cast<int>(i));
        switch (i % 4) { // mostly plain rows, some the general path splits
        case 0:
            text += "\"" + date + "\",\"" + close + "\"\r\n";
            break;
        case 1:
            text += date + ", " + close + " \n";
            break;
        default:
            text += date + "," + close + "\n";
        }
    }
    const auto series = parsePriceCsv(text, kLabel, "NVDA");
    QVERIFY2(series.ok(), series.ok() ? "" : series.error().describe().c_str());
    QCOMPARE(series->closes.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        QVERIFY2(std::bit_cast<std::uint64_t>(series->closes[i]) ==
                     std::bit_cast<std::uint64_t>(expected[i]),
                 closes[i].c_str());
        QCOMPARE(series->dates[i], isoDate(20000 + static_cast<int>(i)));
    }
}

void TestPriceFile::isoDates_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("ordinary") << QStringLiteral("2024-03-25") << true;
    QTest::newRow("leap day") << QStringLiteral("2024-02-29") << true;
    QTest::newRow("leap day in 2000") << QStringLiteral("2000-02-29") << true;
    QTest::newRow("no leap day in 1900") << QStringLiteral("1900-02-29") << false;
    QTest::newRow("31 April") << QStringLiteral("2024-04-31") << false;
    QTest::newRow("day zero") << QStringLiteral("2024-04-00") << false;
    QTest::newRow("one-digit month") << QStringLiteral("2024-4-01") << false;
    QTest::newRow("signs") << QStringLiteral("2024-+4-01") << false;
}

void TestPriceFile::isoDates()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    QCOMPARE(isIsoDate(text.toStdString()), valid);
}

void TestPriceFile::readsFileWithSymbolFromStem()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("btc-usd.csv"));
    QVERIFY(writeFile(path, "date,close\n2024-01-02,42000.5\n"));
    const auto series = readPriceFile(path.toStdString());
    QVERIFY2(series.ok(), series.ok() ? "" : series.error().describe().c_str());
    QCOMPARE(series->symbol, std::string("BTCUSD")); // SPEC 1 normalisation
    QCOMPARE(series->closes.front(), 42000.5);

    const QString bad = dir.filePath(QStringLiteral("SPY.csv"));
    QVERIFY(writeFile(bad, "date,close\n2024-01-02,abc\n"));
    const auto error = readPriceFile(bad.toStdString());
    QVERIFY(!error.ok());
    QCOMPARE(QString::fromStdString(error.error().field), bad + QStringLiteral(":2"));
}

void TestPriceFile::missingFileIsAnError()
{
    const auto series = readPriceFile("/nonexistent/folder/NVDA.csv");
    QVERIFY(!series.ok());
    QCOMPARE(series.error().field, std::string("/nonexistent/folder/NVDA.csv"));
}

void TestPriceFile::loadsFolderSortedBySymbol()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(writeFile(dir.filePath(QStringLiteral("spy.csv")), "date,close\n2024-01-02,470\n"));
    QVERIFY(
        writeFile(dir.filePath(QStringLiteral("ETH-USD.CSV")), "date,close\n2024-01-02,2300\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("AAPL.csv")), "date,close\n2024-01-02,185\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("notes.txt")), "not a price file"));
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("sub.csv"))); // a folder, not a file
    const auto loaded = loadPriceFolder(dir.path().toStdString());
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().describe().c_str());
    QCOMPARE(loaded->size(), std::size_t(3));
    QCOMPARE(loaded->at(0).symbol, std::string("AAPL"));
    QCOMPARE(loaded->at(1).symbol, std::string("ETHUSD"));
    QCOMPARE(loaded->at(2).symbol, std::string("SPY"));
}

void TestPriceFile::folderErrors_data()
{
    QTest::addColumn<QStringList>("names");
    QTest::addColumn<QList<QByteArray>>("contents");
    QTest::addColumn<QString>("fieldSuffix");
    QTest::addColumn<QString>("messagePart");
    QTest::newRow("no csv files") << QStringList{QStringLiteral("a.txt")} << QList<QByteArray>{"x"}
                                  << QString() << QStringLiteral("no *.csv");
    QTest::newRow("two spellings of one symbol")
        << QStringList{QStringLiteral("BTC-USD.csv"), QStringLiteral("btcusd.csv")}
        << QList<QByteArray>{"date,close\n2024-01-02,1\n", "date,close\n2024-01-02,1\n"}
        << QString() << QStringLiteral("two files hold symbol BTCUSD");
    QTest::newRow("a bad file fails the load, naming it")
        << QStringList{QStringLiteral("AAPL.csv"), QStringLiteral("MSFT.csv")}
        << QList<QByteArray>{"date,close\n2024-01-02,1\n", "date,close\n2024-01-02,1\nx,2\n"}
        << QStringLiteral("/MSFT.csv:3") << QStringLiteral("bad date");
}

void TestPriceFile::folderErrors()
{
    QFETCH(QStringList, names);
    QFETCH(QList<QByteArray>, contents);
    QFETCH(QString, fieldSuffix);
    QFETCH(QString, messagePart);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (qsizetype i = 0; i < names.size(); ++i)
        QVERIFY(writeFile(dir.filePath(names[i]), contents[i]));
    const auto loaded = loadPriceFolder(dir.path().toStdString());
    QVERIFY(!loaded.ok());
    const QString field = QString::fromStdString(loaded.error().field);
    QVERIFY2(fieldSuffix.isEmpty() ? field == dir.path() : field.endsWith(fieldSuffix),
             qPrintable(field));
    QVERIFY2(QString::fromStdString(loaded.error().message).contains(messagePart),
             loaded.error().message.c_str());

    const auto missing = loadPriceFolder((dir.path() + QStringLiteral("/absent")).toStdString());
    QVERIFY(!missing.ok());
    QCOMPARE(QString::fromStdString(missing.error().message), QStringLiteral("not a folder"));
}

void TestPriceFile::manyFilesLoadInParallelDeterministically()
{
    // Enough files for the loader to use several threads; the result must not depend on
    // which thread finished first.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (int i = 0; i < 64; ++i) {
        QByteArray content = "date,close\n";
        for (int day = 1; day <= 28; ++day)
            content += QStringLiteral("2024-02-%1,%2\n")
                           .arg(day, 2, 10, QLatin1Char('0'))
                           .arg(100 + i + day)
                           .toLatin1();
        QVERIFY(writeFile(
            dir.filePath(QStringLiteral("S%1.csv").arg(63 - i, 2, 10, QLatin1Char('0'))), content));
    }
    const auto loaded = loadPriceFolder(dir.path().toStdString());
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : loaded.error().describe().c_str());
    QCOMPARE(loaded->size(), std::size_t(64));
    for (std::size_t i = 0; i < 64; ++i) {
        QCOMPARE(QString::fromStdString(loaded->at(i).symbol),
                 QStringLiteral("S%1").arg(i, 2, 10, QLatin1Char('0')));
        QCOMPARE(loaded->at(i).closes.front(), 100.0 + static_cast<double>(63 - i) + 1.0);
    }

    // Two bad files: the one first in path order is always the one reported.
    QVERIFY(writeFile(dir.filePath(QStringLiteral("S40.csv")), "date,close\n2024-02-01,zero\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("S17.csv")), "date,close\n2024-02-01,-1\n"));
    for (int attempt = 0; attempt < 5; ++attempt) {
        const auto failed = loadPriceFolder(dir.path().toStdString());
        QVERIFY(!failed.ok());
        QVERIFY2(
            QString::fromStdString(failed.error().field).endsWith(QStringLiteral("/S17.csv:2")),
            failed.error().field.c_str());
    }
}

// Issue 7: outside text reaches the terminal, the screen and the log with its control and
// hidden direction characters written out, and everything else untouched.
void TestPriceFile::printableEscapesControlCharacters_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("plain") << QByteArray("NVDA 2024-01-02") << QByteArray("NVDA 2024-01-02");
    QTest::newRow("utf-8 kept") << QByteArray("Z\xC3\xBCrich \xE2\x82\xAC")
                                << QByteArray("Z\xC3\xBCrich \xE2\x82\xAC");
    QTest::newRow("escape sequence") << QByteArray("\x1B[2Jgone") << QByteArray("\\x1B[2Jgone");
    QTest::newRow("newline, tab, cr, nul") << QByteArray("a\nb\tc\rd", 7) + QByteArray(1, '\0')
                                           << QByteArray("a\\x0Ab\\x09c\\x0Dd\\x00");
    QTest::newRow("del") << QByteArray("x\x7Fy") << QByteArray("x\\x7Fy");
    QTest::newRow("c1 csi") << QByteArray("x\xC2\x9B"
                                          "31m")
                            << QByteArray("x\\u{009B}31m");
    QTest::newRow("bidi override") << QByteArray("abc\xE2\x80\xAE"
                                                 "fed")
                                   << QByteArray("abc\\u{202E}fed");
    QTest::newRow("isolate") << QByteArray("\xE2\x81\xA6x") << QByteArray("\\u{2066}x");
    QTest::newRow("cut sequence kept") << QByteArray("\xE2\x80") << QByteArray("\xE2\x80");
}

void TestPriceFile::printableEscapesControlCharacters()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);
    QCOMPARE(QByteArray::fromStdString(printable(text.toStdString())), expected);
}

void TestPriceFile::errorsQuotingTheFileArePrintable()
{
    const auto series = parsePriceCsv("date,close\n2024-01-02,\x1B]0;owned\x07\n", kLabel, "NVDA");
    QVERIFY(!series.ok());
    const std::string shown = series.error().describe();
    QVERIFY2(shown.find('\x1B') == std::string::npos && shown.find('\x07') == std::string::npos,
             shown.c_str());
    QVERIFY2(shown.find("\\x1B]0;owned\\x07") != std::string::npos, shown.c_str());
}

QTEST_GUILESS_MAIN(TestPriceFile)
#include "tst_price_file.moc"
