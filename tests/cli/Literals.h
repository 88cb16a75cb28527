#pragma once

#include <QString>
#include <QStringList>
#include <initializer_list>

// A QStringList from literals (the Qt targets build with QT_NO_CAST_FROM_ASCII).
inline QStringList args(std::initializer_list<const char*> items)
{
    QStringList list;
    for (const char* item : items)
        list << QString::fromUtf8(item);
    return list;
}
