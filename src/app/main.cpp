// Placeholder until the daemon wiring lands (this commit series); exits with failure.
#include <cstdio>
int main() {
  std::fputs("opentracker: not built yet\n", stderr);
  return 1;
}
