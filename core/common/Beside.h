#pragma once

#include <future>
#include <system_error>
#include <type_traits>
#include <utility>

namespace kelly {

// Starts `task` on a thread of its own, for work that overlaps the caller's; where no thread
// can be started (a process at its limit), it runs on the caller's thread when its result is
// asked for. Either way future::get gives the result.
template <class Task> std::future<std::invoke_result_t<Task&>> startBeside(Task task)
{
    try {
        return std::async(std::launch::async, task);
    } catch (const std::system_error&) {
        return std::async(std::launch::deferred, std::move(task));
    }
}

} // namespace kelly
