/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The zPCI calls the guest's stress and fault-injection tests make, each
 * with the result the uAPI documents for it in the test guest, where no KVM
 * is associated with the device.
 */
#ifndef GUEST_ZPCI_CALLS_H
#define GUEST_ZPCI_CALLS_H

#include <stddef.h>
#include <linux/vfio.h>

/* How many different feature calls zpci_feature_call() makes. */
#define ZPCI_FEATURE_CALLS	24

/* 1 when the kernel under test has the zPCI KVM part (the features). */
int zpci_have_kvm(void);

/*
 * Make feature call n % ZPCI_FEATURE_CALLS on the device fd: PROBE, GET and
 * SET of the two zPCI features with valid and invalid payloads. Returns
 * 0 or the errno the call got; *want is what the uAPI says it must get, and
 * what (len bytes) names the call.
 */
int zpci_feature_call(int fd, unsigned int n, int *want, char *what, size_t len);

/*
 * VFIO_DEVICE_GET_INFO with the capability chain into buf (size bytes),
 * without allocating: 0 when the chain holds the zPCI base capability,
 * else an errno (ENOENT for a chain without it, ENOSPC when buf is short).
 */
int zpci_get_info(int fd, void *buf, size_t size);

#endif
