package io.portager.imagesync;

import io.portager.registry.RegistryEndpoint;
import io.portager.schedule.Schedule;
import java.util.List;

/** A validated spec: the schedule, both endpoints and one job per image and tag, in spec order. */
record SyncPlan(
    Schedule schedule,
    RegistryLocation source,
    RegistryEndpoint sourceEndpoint,
    RegistryLocation destination,
    RegistryEndpoint destinationEndpoint,
    List<TagJob> jobs) {

  SyncPlan {
    jobs = List.copyOf(jobs);
  }

  /** One tag of one image: where it comes from and where it goes. */
  record TagJob(String image, String tag, String sourceRepository, String destinationRepository) {}
}
