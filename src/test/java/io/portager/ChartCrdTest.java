package io.portager;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The chart ships its own copy of the CRD, because Helm installs only files under crds/. */
class ChartCrdTest {
  @Test
  void chartCrdMatchesCrdDirectory() throws Exception {
    String crd = Files.readString(Path.of("crd/imagesyncs.portager.portager.io.yaml"));
    String chartCopy =
        Files.readString(Path.of("chart/portager/crds/imagesyncs.portager.portager.io.yaml"));

    assertEquals(crd, chartCopy, "copy crd/ to chart/portager/crds/ after editing the CRD");
  }
}
