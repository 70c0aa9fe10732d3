// "Did you mean" for names the user misspelt.
#ifndef SYD_LANG_SUGGEST_H_
#define SYD_LANG_SUGGEST_H_

#include <string>
#include <string_view>
#include <vector>

namespace syd {

// The candidate closest to `word` by edit distance, if it is close enough to
// be a likely typo; "" otherwise.
std::string Suggest(std::string_view word,
                    const std::vector<std::string_view>& candidates);
// " (did you mean 'x'?)", or "" when there is nothing to suggest.
std::string DidYouMean(std::string_view word,
                       const std::vector<std::string_view>& candidates);

}  // namespace syd

#endif  // SYD_LANG_SUGGEST_H_
