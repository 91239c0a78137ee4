#include "chain_reader.hpp"

#include "calendar.hpp"
#include "keys.hpp"

namespace gs::store {
namespace {
constexpr size_t kMaxCachedChains = 512;
}

namespace {
rocksdb::ReadOptions read_options(const rocksdb::Snapshot *snapshot) {
    rocksdb::ReadOptions ro;
    ro.snapshot = snapshot;
    return ro;
}
} // namespace

ChainReader::ChainReader(rocksdb::DB *db, rocksdb::ColumnFamilyHandle *raw,
                         const rocksdb::Snapshot *snapshot)
    : it_(db->NewIterator(read_options(snapshot), raw)) {}

const DecodedRecord *ChainReader::fetch(int64_t window_start_s, uint32_t source, uint64_t seq) {
    if (chains_.size() > kMaxCachedChains) chains_.clear();
    Chain &c = chains_[{window_start_s, source}];
    if (c.has_record && c.last_seq == seq) return &c.record;
    uint64_t from = 0;
    if (c.has_record && c.last_seq < seq) {
        from = c.last_seq + 1;
    } else {
        c.state.reset();
        c.has_record = false;
    }
    std::string prefix = keys::raw(window_start_s, source, 0).substr(0, 12);
    for (it_->Seek(keys::raw(window_start_s, source, from)); it_->Valid(); it_->Next()) {
        rocksdb::Slice key = it_->key();
        if (!key.starts_with(prefix)) break;
        uint64_t key_seq = keys::parse_raw(std::string_view(key.data(), key.size())).seq;
        if (key_seq > seq) break;
        decode_record(c.state, window_start_s * kNsPerS,
                      std::string_view(it_->value().data(), it_->value().size()), c.record);
        c.has_record = true;
        c.last_seq = key_seq;
        if (key_seq == seq) return &c.record;
    }
    return nullptr;
}

} // namespace gs::store
