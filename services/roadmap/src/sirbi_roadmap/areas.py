"""The cooperation areas of the network (product.md): what a working group looks after, and the
values the agreements service puts in its agreements' `areas` (its documented contract)."""

from __future__ import annotations

from enum import StrEnum


class CooperationArea(StrEnum):
    CONSORTIUM_PURCHASE = "consortium_purchase"
    UNION_CATALOGUE = "union_catalogue"
    SHARED_CATALOGUING = "shared_cataloguing"
    SHARED_COLLECTION_DEVELOPMENT = "shared_collection_development"
    PRESERVATION = "preservation"
    DIGITISATION = "digitisation"
    INTERLIBRARY_LOAN = "interlibrary_loan"
    ONLINE_REFERENCE = "online_reference"
    CULTURAL_ACTIVITIES_AND_READING_PROMOTION = "cultural_activities_and_reading_promotion"
    CONTENT_CREATION = "content_creation"
    SHARED_IT_SYSTEMS = "shared_it_systems"
    TRAINING = "training"
    EQUIPMENT_AND_CONNECTIVITY = "equipment_and_connectivity"
