// File: src/stats/render_internal.hpp (private to stats)
// Pieces shared by the renderer files: the version text and the XML form of
// `everything`, which RenderStats dispatches to.
#pragma once

#include <string>
#include <string_view>

#include "opentracker/stats/snapshot.hpp"

namespace ot::stats::internal {

// DEB's mode=version body: upstream printed one "$Source$: $Revision$\n"
// line per source file (14 of them, unexpanded RCS keywords) and the golden
// framing cases compare it byte for byte.
std::string_view VersionText() noexcept;

void RenderEverythingXml(const StatsContext& context, const StoreSnapshot& store, std::string& out);

}  // namespace ot::stats::internal
