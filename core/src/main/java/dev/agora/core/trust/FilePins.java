package dev.agora.core.trust;

import dev.agora.core.trust.pins.PinStore;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The node's own pins in its file, {@code <data_dir>/pins.lock}, when its store keeps none: read
 * whole by {@link #all}, written whole at each change, in the lock file's form. Without a data
 * directory nothing is kept.
 */
final class FilePins implements PinStore {

  private final Path file;
  private Map<String, Pins.Pin> pins = new TreeMap<>();

  FilePins(Path file) {
    this.file = file;
  }

  @Override
  public synchronized List<Stored> all() {
    pins = Pins.read(file);
    return pins.entrySet().stream().map(e -> Pins.stored(e.getKey(), e.getValue())).toList();
  }

  @Override
  public synchronized Stored pinIfAbsent(Stored pin) {
    Pins.Pin had = pins.get(pin.key());
    if (had != null) {
      return Pins.stored(pin.key(), had);
    }
    put(pin);
    return pin;
  }

  @Override
  public synchronized void put(Stored pin) {
    pins.put(pin.key(), Pins.pin(pin, this));
    Pins.save(file, pins);
  }

  @Override
  public String stamp() {
    return Pins.stamp(file);
  }

  @Override
  public String describe() {
    return String.valueOf(file);
  }
}
