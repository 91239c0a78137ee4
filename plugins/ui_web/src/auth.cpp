#include "auth.hpp"

#include "file_replace.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <utility>

namespace gs::ui {

bool crypto_init() {
    return sodium_init() >= 0;
}

std::optional<Profile> parse_profile(std::string_view name) {
    if (name == "user") return Profile::user;
    if (name == "advanced") return Profile::advanced;
    if (name == "admin") return Profile::admin;
    return std::nullopt;
}

const char *profile_name(Profile p) {
    switch (p) {
    case Profile::user:
        return "user";
    case Profile::advanced:
        return "advanced";
    case Profile::admin:
        return "admin";
    default:
        return "none";
    }
}

uint32_t permissions_of(Profile p) {
    // Manual §4: User: Monitoring, Analysis, Diagnostics. Advanced User adds the partial energy
    // reset and its own password. Admin adds declaring devices and hierarchies; it changes its
    // own (the administrator's) password only.
    const uint32_t user = kPermMonitoring | kPermAnalysis | kPermDiagnostics;
    switch (p) {
    case Profile::user:
        return user;
    case Profile::advanced:
        return user | kPermPartialEnergyReset | kPermChangeOwnPassword | kPermAlarmAcknowledge;
    case Profile::admin:
        return user | kPermPartialEnergyReset | kPermConfiguration | kPermChangeOwnPassword |
               kPermAlarmAcknowledge | kPermAlarmOutOfService;
    default:
        return 0;
    }
}

std::vector<std::string> permission_names(uint32_t permissions) {
    static const std::pair<uint32_t, const char *> names[] = {
        {kPermMonitoring, "monitoring"},
        {kPermAnalysis, "analysis"},
        {kPermPartialEnergyReset, "partial_energy_reset"},
        {kPermConfiguration, "configuration"},
        {kPermDiagnostics, "diagnostics"},
        {kPermChangeOwnPassword, "change_own_password"},
        {kPermAlarmAcknowledge, "alarm_acknowledge"},
        {kPermAlarmOutOfService, "alarm_out_of_service"}};
    std::vector<std::string> out;
    for (const auto &[bit, name] : names)
        if (permissions & bit) out.emplace_back(name);
    return out;
}

std::string random_hex(size_t bytes) {
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char *>(raw.data()),
                   raw.size());
    hex.pop_back();
    sodium_memzero(raw.data(), raw.size());
    return hex;
}

// ---------------------------------------------------------------------------------------------
// Sessions

SessionStore::SessionStore(int64_t idle_timeout_ns, int64_t max_age_ns, size_t max_user_sessions,
                           size_t max_privileged_sessions)
    : idle_timeout_ns_(idle_timeout_ns), max_age_ns_(max_age_ns),
      max_user_sessions_(max_user_sessions), max_privileged_sessions_(max_privileged_sessions) {}

size_t SessionStore::budget(Profile p) const {
    return p == Profile::user ? max_user_sessions_ : max_privileged_sessions_;
}

std::string SessionStore::key_of(std::string_view id) {
    unsigned char out[16];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char *>(id.data()),
                       id.size(), nullptr, 0);
    return std::string(reinterpret_cast<const char *>(out), sizeof out);
}

bool SessionStore::alive(const Session &s, int64_t now) const {
    return now - s.last_seen_mono_ns.load(std::memory_order_relaxed) <= idle_timeout_ns() &&
           now - s.created_mono_ns <= max_age_ns_;
}

SessionStore::Table::iterator SessionStore::erase_locked(Table::iterator it) {
    --count_[static_cast<size_t>(it->second->profile)];
    return sessions_.erase(it);
}

void SessionStore::purge_locked(int64_t now, Profile profile) {
    for (auto it = sessions_.begin(); it != sessions_.end();)
        it = alive(*it->second, now) ? std::next(it) : erase_locked(it);
    // Still full: drop the least recently used of the same profile.
    while (count_[static_cast<size_t>(profile)] >= budget(profile) &&
           count_[static_cast<size_t>(profile)] > 0) {
        auto oldest = sessions_.end();
        for (auto it = sessions_.begin(); it != sessions_.end(); ++it)
            if (it->second->profile == profile &&
                (oldest == sessions_.end() ||
                 it->second->last_seen_mono_ns.load() < oldest->second->last_seen_mono_ns.load()))
                oldest = it;
        if (oldest == sessions_.end()) break; // the count says more than the table holds
        erase_locked(oldest);
    }
}

std::shared_ptr<Session> SessionStore::create(Profile profile, std::string language,
                                              std::string password_stamp, int64_t now) {
    auto s = std::make_shared<Session>();
    s->id = random_hex(32);
    s->csrf = random_hex(32);
    s->profile = profile;
    s->language = std::move(language);
    s->password_stamp = std::move(password_stamp);
    s->created_mono_ns = now;
    s->last_seen_mono_ns = now;
    std::unique_lock lock(mutex_);
    if (count_[static_cast<size_t>(profile)] >= budget(profile)) purge_locked(now, profile);
    sessions_[key_of(s->id)] = s;
    ++count_[static_cast<size_t>(profile)];
    return s;
}

std::shared_ptr<Session> SessionStore::find(std::string_view id, int64_t now, bool touch) {
    if (id.size() != 64) return nullptr;
    std::string key = key_of(id);
    std::shared_ptr<Session> s;
    {
        std::shared_lock lock(mutex_);
        auto it = sessions_.find(key);
        if (it == sessions_.end()) return nullptr;
        s = it->second;
    }
    if (!alive(*s, now)) {
        remove(id);
        return nullptr;
    }
    if (touch) s->last_seen_mono_ns.store(now, std::memory_order_relaxed);
    return s;
}

void SessionStore::remove(std::string_view id) {
    std::unique_lock lock(mutex_);
    if (auto it = sessions_.find(key_of(id)); it != sessions_.end()) erase_locked(it);
}

size_t SessionStore::size() const {
    std::shared_lock lock(mutex_);
    return sessions_.size();
}

bool csrf_matches(const Session &s, std::string_view token) {
    return token.size() == s.csrf.size() &&
           sodium_memcmp(token.data(), s.csrf.data(), token.size()) == 0;
}

// ---------------------------------------------------------------------------------------------
// Login throttling

LoginThrottle::LoginThrottle(int free_failures, int64_t base_delay_ns, int64_t max_delay_ns,
                             int64_t forget_after_ns, size_t max_entries)
    : free_failures_(free_failures), base_delay_ns_(base_delay_ns), max_delay_ns_(max_delay_ns),
      forget_after_ns_(forget_after_ns), max_entries_(max_entries) {}

int64_t LoginThrottle::retry_after_ns(const std::string &key, int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it == entries_.end()) return 0;
    return std::max<int64_t>(0, it->second.next_allowed_ns - now);
}

void LoginThrottle::failure(const std::string &key, int64_t now) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.size() >= max_entries_ && !entries_.count(key)) {
        for (auto it = entries_.begin(); it != entries_.end();)
            it = now - it->second.last_failure_ns > forget_after_ns_ ? entries_.erase(it)
                                                                     : std::next(it);
        if (entries_.size() >= max_entries_) entries_.erase(entries_.begin());
    }
    Entry &e = entries_[key];
    if (e.failures && now - e.last_failure_ns > forget_after_ns_) e = Entry{};
    ++e.failures;
    e.last_failure_ns = now;
    if (e.failures >= free_failures_) {
        int shift = std::min(e.failures - free_failures_, 30);
        int64_t delay = std::min(max_delay_ns_, base_delay_ns_ << shift);
        e.next_allowed_ns = now + delay;
    }
}

void LoginThrottle::success(const std::string &key) {
    std::lock_guard<std::mutex> lock(mutex_);
    entries_.erase(key);
}

// ---------------------------------------------------------------------------------------------
// Passwords

PasswordStore::PasswordStore(std::string path) : path_(std::move(path)) {}

std::string PasswordStore::read_text() const {
    std::ifstream in(path_, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::map<Profile, std::string> PasswordStore::parse(const std::string &text,
                                                    std::string *warning) const {
    std::map<Profile, std::string> out;
    std::istringstream in(text);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        size_t colon = line.find(':');
        auto profile =
            colon == std::string::npos ? std::nullopt : parse_profile(line.substr(0, colon));
        std::string hash = colon == std::string::npos ? "" : line.substr(colon + 1);
        if (!profile || *profile == Profile::user ||
            hash.rfind(crypto_pwhash_argon2id_STRPREFIX, 0) != 0 ||
            hash.size() >= crypto_pwhash_STRBYTES) {
            if (warning)
                *warning = path_ + ":" + std::to_string(number) +
                           ": not 'advanced:<argon2id hash>' or 'admin:<argon2id hash>'; ignored";
            continue;
        }
        out[*profile] = hash;
    }
    return out;
}

void PasswordStore::refresh() {
    // The file is a few hundred bytes: reading it is cheaper and surer than trusting its
    // inode, size and mtime (an inode reused by the next rename, a same-size hash written within
    // one tick of the file system's clock would look unchanged).
    std::string text = read_text();
    std::lock_guard<std::mutex> lock(mutex_);
    if (loaded_ && text == text_) return;
    std::string warning;
    hashes_ = parse(text, &warning);
    if (!warning.empty()) warning_ = warning;
    text_ = std::move(text);
    loaded_ = true;
}

bool PasswordStore::is_set(Profile p) {
    std::lock_guard<std::mutex> lock(mutex_);
    return hashes_.count(p) != 0;
}

std::string PasswordStore::stamp(Profile p) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = hashes_.find(p);
    return it == hashes_.end() ? std::string() : it->second;
}

std::string PasswordStore::take_warning() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(warning_, {});
}

PasswordStore::Verify PasswordStore::verify(Profile p, std::string_view password,
                                            std::string *stamp_out) {
    std::string hash = stamp(p);
    if (hash.empty()) return Verify::not_set;
    // Each verification takes ~64 MiB for a fraction of a second: bound how many run at once.
    if (verifying_.fetch_add(1) >= 2) {
        verifying_.fetch_sub(1);
        return Verify::busy;
    }
    std::string pw(password);
    int rc = crypto_pwhash_str_verify(hash.c_str(), pw.c_str(), pw.size());
    sodium_memzero(pw.data(), pw.size());
    verifying_.fetch_sub(1);
    if (rc != 0) return Verify::wrong;
    if (stamp_out) *stamp_out = hash;
    return Verify::ok;
}

namespace {

struct Fd {
    int fd = -1;
    ~Fd() {
        if (fd >= 0) ::close(fd);
    }
};

} // namespace

void PasswordStore::set(Profile p, std::string_view password) {
    if (p != Profile::advanced && p != Profile::admin)
        throw std::invalid_argument("only the advanced and admin profiles have passwords");
    char hash[crypto_pwhash_STRBYTES];
    std::string pw(password);
    int rc = crypto_pwhash_str(hash, pw.c_str(), pw.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                               crypto_pwhash_MEMLIMIT_INTERACTIVE);
    sodium_memzero(pw.data(), pw.size());
    if (rc != 0) throw std::runtime_error("out of memory while hashing the password");

    // Writers (this plugin, `gridscope passwd`) serialize on <file>.lock, then read, change one
    // line and replace the file in one rename.
    Fd lock;
    lock.fd = ::open((path_ + ".lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (lock.fd < 0 || ::flock(lock.fd, LOCK_EX) != 0)
        throw std::runtime_error("cannot lock " + path_ + ".lock: " + std::strerror(errno));
    std::map<Profile, std::string> hashes = parse(read_text(), nullptr);
    hashes[p] = hash;
    std::string text;
    for (const auto &[profile, h] : hashes)
        text += std::string(profile_name(profile)) + ":" + h + "\n";
    replace_file(path_, text, 0600);
    refresh();
}

} // namespace gs::ui
