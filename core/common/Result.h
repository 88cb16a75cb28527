#pragma once

#include "Text.h"

#include <string>
#include <utility>
#include <variant>

namespace kelly {

// An input the math refuses, naming the offending field (SPEC 2.1: bad input is an error,
// never a silent zero).
struct InputError
{
    std::string field;
    std::string message;

    // Safe to print: a field or message quoting outside text cannot carry control codes.
    std::string describe() const { return printable(field + ": " + message); }
};

// A small std::expected stand-in (C++23's is not available in C++20).
template <typename T> class Result
{
public:
    Result(T value) : m_state(std::move(value)) {}
    // A value built in place, for a caller that fills a large T without moving it.
    explicit Result(std::in_place_t) : m_state(std::in_place_index<0>) {}
    Result(InputError error) : m_state(std::move(error)) {}

    bool ok() const { return std::holds_alternative<T>(m_state); }
    explicit operator bool() const { return ok(); }

    const T& value() const& { return std::get<T>(m_state); }
    T& value() & { return std::get<T>(m_state); }
    T&& value() && { return std::get<T>(std::move(m_state)); }
    const T* operator->() const { return &value(); }
    const T& operator*() const { return value(); }

    const InputError& error() const { return std::get<InputError>(m_state); }

private:
    std::variant<T, InputError> m_state;
};

} // namespace kelly
