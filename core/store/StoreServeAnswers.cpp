// The answers serve gave to requests with a request_id (SPEC 14, issue 24 item 8), kept in
// the store so a retry reaching another serve process gets the first answer again.

#include "Store.h"
#include "StoreImpl.h"

namespace kelly::store {

bool Store::loadServeAnswer(const QString& requestId, std::optional<QByteArray>* out,
                            QString* error) const
{
    out->reset();
    // Outside a transaction, ReadStatement reconnects a lost PostgreSQL session first.
    ReadStatement queryRead(
        *m_impl, QStringLiteral("SELECT answer_json FROM serve_answers WHERE request_id = ?"),
        error);
    QSqlQuery& query = *queryRead;
    query.bindValue(0, requestId);
    if (!run(queryRead, error))
        return false;
    if (query.next())
        *out = query.value(0).toString().toUtf8();
    return true;
}

bool Store::insertServeAnswer(const QString& requestId, qint64 decisionId, UtcTime answeredAt,
                              const QByteArray& answerJson, QString* error)
{
    QSqlQuery& insert = m_impl->cached(
        QStringLiteral("INSERT INTO serve_answers (request_id, decision_id, answered_at,"
                       " answer_json) VALUES (?, ?, ?, ?)"));
    insert.bindValue(0, requestId);
    insert.bindValue(1, decisionId);
    insert.bindValue(2, isoUtc(answeredAt));
    insert.bindValue(3, QString::fromUtf8(answerJson));
    return run(insert, error);
}

} // namespace kelly::store
