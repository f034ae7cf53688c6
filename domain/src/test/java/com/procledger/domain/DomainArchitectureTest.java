package com.procledger.domain;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The domain is plain Java plus Axon: it knows nothing of Spring, the web layer, storage or read models. */
@AnalyzeClasses(packages = "com.procledger.domain", importOptions = ImportOption.DoNotIncludeTests.class)
class DomainArchitectureTest {

    @ArchTest
    static final ArchRule domainDoesNotDependOnSpring = noClasses().that().resideInAPackage("com.procledger.domain..")
            .should().dependOnClassesThat().resideInAPackage("org.springframework..");

    @ArchTest
    static final ArchRule domainDoesNotDependOnOuterModules = noClasses().that().resideInAPackage("com.procledger.domain..")
            .should().dependOnClassesThat().resideInAnyPackage("com.procledger.api..", "com.procledger.infra..",
                    "com.procledger.projections..");
}
