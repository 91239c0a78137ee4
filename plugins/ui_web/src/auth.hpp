// The security model: the manual's three profiles (§4) and their permissions, sessions,
// CSRF tokens, login throttling and the passwords file. Free of SDK and CivetWeb types.
//
// Threads: every class here is safe to use from any number of HTTP threads at once.
#ifndef GS_UI_WEB_AUTH_HPP
#define GS_UI_WEB_AUTH_HPP

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace gs::ui {

// Initializes libsodium; false if it cannot be (then nothing here may be used).
bool crypto_init();

enum class Profile : uint8_t { none = 0, user = 1, advanced = 2, admin = 3 };
std::optional<Profile> parse_profile(std::string_view name); // "user" | "advanced" | "admin"
const char *profile_name(Profile p);

// The columns of the manual's §4 table.
enum Permission : uint32_t {
    kPermMonitoring = 1u << 0,         // Monitor, Alarms and events, Photoview
    kPermAnalysis = 1u << 1,           // Consumption, Trends
    kPermPartialEnergyReset = 1u << 2, // reset of partial energy meters
    kPermConfiguration = 1u << 3,      // declaring devices and hierarchies
    kPermDiagnostics = 1u << 4,        // communication diagnostics
    kPermChangeOwnPassword = 1u << 5,  // a profile changes its own password only
    kPermAlarmAcknowledge = 1u << 6,   // acknowledge and shelve alarms (Advanced, Admin)
    kPermAlarmOutOfService = 1u << 7   // take alarm rules out of service (Admin)
};
uint32_t permissions_of(Profile p);
std::vector<std::string> permission_names(uint32_t permissions);

// `bytes` random bytes (libsodium's CSPRNG) as lower-case hex.
std::string random_hex(size_t bytes);

struct Session {
    std::string id;   // the cookie value: 32 random bytes, hex
    std::string csrf; // 32 random bytes, hex; sent back in X-CSRF-Token
    Profile profile = Profile::none;
    std::string language;
    std::string password_stamp; // the password hash the login was checked against
    int64_t created_mono_ns = 0;
    std::atomic<int64_t> last_seen_mono_ns{0};
};

// Each profile has its own budget of sessions: when a profile's budget is full, its least
// recently used session ends, never another profile's. Logging in as User needs no password,
// so anyone can fill the User budget; that must not log out the Admin.
class SessionStore {
public:
    SessionStore(int64_t idle_timeout_ns, int64_t max_age_ns, size_t max_user_sessions,
                 size_t max_privileged_sessions);

    std::shared_ptr<Session> create(Profile profile, std::string language,
                                    std::string password_stamp, int64_t now_mono_ns);
    // The live session with this id, or nullptr (an expired one is removed). `touch` renews its
    // idle timer.
    std::shared_ptr<Session> find(std::string_view id, int64_t now_mono_ns, bool touch);
    bool alive(const Session &s, int64_t now_mono_ns) const;
    void remove(std::string_view id);
    size_t size() const;
    int64_t idle_timeout_ns() const { return idle_timeout_ns_.load(std::memory_order_relaxed); }
    // The site's idle timeout changes with a reload; the store (and its sessions) stays.
    void set_idle_timeout_ns(int64_t ns) { idle_timeout_ns_.store(ns, std::memory_order_relaxed); }

private:
    static std::string key_of(std::string_view id); // a hash: lookups do not compare raw ids
    // Drops expired sessions, then the least recently used of `profile` while its budget is full.
    using Table = std::unordered_map<std::string, std::shared_ptr<Session>>;
    void purge_locked(int64_t now_mono_ns, Profile profile);
    Table::iterator erase_locked(Table::iterator it); // keeps count_ right
    size_t budget(Profile p) const;

    std::atomic<int64_t> idle_timeout_ns_;
    int64_t max_age_ns_;
    size_t max_user_sessions_, max_privileged_sessions_;
    mutable std::shared_mutex mutex_;
    Table sessions_;
    size_t count_[4] = {0, 0, 0, 0}; // sessions per Profile value
};

// Constant-time comparison of a CSRF token.
bool csrf_matches(const Session &s, std::string_view token);

// Failed logins per key (client address, profile): after `free_failures` failures each further
// attempt waits base_delay x 2^n, up to max_delay. A success clears the key; failures older
// than `forget_after` are forgotten. The table is bounded.
class LoginThrottle {
public:
    LoginThrottle(int free_failures, int64_t base_delay_ns, int64_t max_delay_ns,
                  int64_t forget_after_ns = 900'000'000'000, size_t max_entries = 4096);
    int64_t retry_after_ns(const std::string &key, int64_t now_mono_ns);
    void failure(const std::string &key, int64_t now_mono_ns);
    void success(const std::string &key);

private:
    struct Entry {
        int failures = 0;
        int64_t last_failure_ns = 0;
        int64_t next_allowed_ns = 0;
    };
    int free_failures_;
    int64_t base_delay_ns_, max_delay_ns_, forget_after_ns_;
    size_t max_entries_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> entries_;
};

// The passwords file shared with `gridscope passwd`: <data_dir>/passwords, mode 0600, one line
// per profile "advanced:<hash>" / "admin:<hash>", <hash> = crypto_pwhash_str (Argon2id). It is
// re-read at every refresh (it is tiny); writers replace it atomically.
class PasswordStore {
public:
    explicit PasswordStore(std::string path);

    enum class Verify { ok, wrong, not_set, busy };

    // Re-reads the file (a few hundred bytes) and takes it if it changed.
    void refresh();
    bool is_set(Profile p);
    // The current hash of a profile ("" if none): a session is valid only while it is unchanged.
    std::string stamp(Profile p);
    // Argon2id verification: slow by design; at most 2 run at once (else `busy`).
    Verify verify(Profile p, std::string_view password, std::string *stamp_out);
    // Hashes and stores a new password atomically (lock file, temp file, rename); throws
    // std::runtime_error on an I/O failure.
    void set(Profile p, std::string_view password);
    const std::string &path() const { return path_; }
    // A line of the file that could not be read, for a log message; "" if none.
    std::string take_warning();

private:
    std::string read_text() const; // "" when the file does not exist
    std::map<Profile, std::string> parse(const std::string &text, std::string *warning) const;

    std::string path_;
    std::mutex mutex_;
    std::string text_; // the file as last read
    bool loaded_ = false;
    std::map<Profile, std::string> hashes_;
    std::string warning_;
    std::atomic<int> verifying_{0};
};

} // namespace gs::ui

#endif
