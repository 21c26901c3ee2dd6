#!/bin/bash
# Peak RSS (KB) via /usr/bin/time -v for: import only, empty Loihi chip,
# and each network with a short (1 sample = 50 step) input so that the
# input spike-train storage does not inflate the per-synapse estimate.
cd "$(dirname "$0")"
m() { /usr/bin/time -v "$@" 2>&1 >/dev/null | grep "Maximum resident" | awk '{print $NF}'; }
echo "import_only_kB $(m python -c 'import sanafe, numpy')"
echo "empty_loihi_chip_kB $(m python -c 'import sanafe, numpy; a=sanafe.load_loihi(); c=sanafe.SpikingChip(a)')"
echo "empty_loihi_chip_loaded_empty_net_kB $(m python -c 'import sanafe, numpy; a=sanafe.load_loihi(); c=sanafe.SpikingChip(a); c.load(sanafe.Network())')"
for wl in 784-1000-10 5-200-3; do
  echo "${wl}_1sample_kB $(m python run_sanafe.py --workload $wl --samples 1 --threads 1)"
  python run_sanafe.py --workload $wl --samples 1 --threads 1 2>/dev/null | tail -1 > mem_${wl}.json
done
