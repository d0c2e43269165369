// Whether this test binary runs under AddressSanitizer, whose shadow memory
// and quarantine make time and memory bounds meaningless.
#pragma once

// gcc says __SANITIZE_ADDRESS__, clang 14 only __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define OT_TEST_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define OT_TEST_UNDER_ASAN 1
#endif
#endif

namespace ot::test {
#if defined(OT_TEST_UNDER_ASAN)
inline constexpr bool kUnderAddressSanitizer = true;
#else
inline constexpr bool kUnderAddressSanitizer = false;
#endif
}  // namespace ot::test
