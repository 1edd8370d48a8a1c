// Resolved point values.
#include "eos/config/params.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <stdexcept>

namespace eos {
namespace {

bool parse(const std::string& t, double& v) {
  auto res = std::from_chars(t.data(), t.data() + t.size(), v);
  return res.ec == std::errc() && res.ptr == t.data() + t.size();
}

bool key_less(const Params::Entry& e, const std::string& key) { return e.key < key; }

}  // namespace

void Params::set(const std::string& key, const std::string& canonical) {
  Entry& e = entry_for(key);
  note_write(e, canonical);
  e.text = canonical;
  e.numeric = parse(e.text, e.number);
}

void Params::set(const std::string& key, const std::string& canonical, double number) {
  Entry& e = entry_for(key);
  note_write(e, canonical);
  e.text = canonical;
  e.number = number;
  e.numeric = true;
}

std::size_t Params::position(const std::string& key) const {
  const Entry* e = find(key);
  return e ? static_cast<std::size_t>(e - entries_.data()) : std::string::npos;
}

void Params::set_at(std::size_t position, const std::string& canonical, double number, bool numeric) {
  Entry& e = entries_.at(position);
  note_write(e, canonical);
  e.text = canonical;
  e.number = number;
  e.numeric = numeric;
}

const Params::Entry* Params::find(const std::string& key) const {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key, key_less);
  if (it == entries_.end() || it->key != key) return nullptr;
  if (tap_.to) tap_.to->positions.push_back(static_cast<std::size_t>(it - entries_.begin()));
  return &*it;
}

// The entry of key, added (empty) when absent.
Params::Entry& Params::entry_for(const std::string& key) {
  auto it = std::lower_bound(entries_.begin(), entries_.end(), key, key_less);
  if (it != entries_.end() && it->key == key) return *it;
  if (tap_.to) tap_.to->everything = true;
  return *entries_.insert(it, Entry{key, "", 0, false});
}

// A write at e, for a Recording: its position, and whether it changes the text.
void Params::note_write(const Entry& e, const std::string& canonical) const {
  if (!tap_.to) return;
  tap_.to->positions.push_back(static_cast<std::size_t>(&e - entries_.data()));
  if (e.text != canonical) tap_.to->rewritten = true;
}

const std::string& Params::text(const std::string& key) const {
  const Entry* e = find(key);
  if (!e) throw std::logic_error("parameter not set: " + key);
  return e->text;
}

double Params::real(const std::string& key) const {
  const Entry* e = find(key);
  if (!e) throw std::logic_error("parameter not set: " + key);
  if (!e->numeric) throw std::logic_error("parameter " + key + " is not numeric: " + e->text);
  return e->number;
}

long Params::integer(const std::string& key) const { return static_cast<long>(std::llround(real(key))); }

}  // namespace eos
